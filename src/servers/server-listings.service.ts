import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { pageWindow } from '../common/http/pagination';
import { echo } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { Transactions } from '../database/transactions';
import { GameCatalogService } from './catalog/game-catalog.service';
import { ServersRepository } from './servers.repository';
import { notFound } from './servers.service';
import { LOBBY_DESCRIPTION_MAX, ServerListing, SetListingInput } from './servers.types';

/** The lobby's view of servers (listing, the public page) and the counts /profile shows: no state change, no money. */
@Injectable()
export class ServerListingsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly servers: ServersRepository,
    private readonly catalog: GameCatalogService,
  ) {}

  /**
   * Lists the actor's server in the public lobby (only while it runs: a stop unlists it) or unlists it (in any state).
   * The description is trimmed; unlisting clears it.
   */
  async setListing(actor: Actor, serverId: string, input: SetListingInput): Promise<ServerListing> {
    const description = input.public ? input.description?.trim() || null : null;
    if (description && description.length > LOBBY_DESCRIPTION_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `description must be at most ${LOBBY_DESCRIPTION_MAX} characters`, [
        { field: 'description', messages: ['too long'] },
      ]);
    }
    return this.transactions.run(async (tx) => {
      const s = isUuid(serverId) ? await this.servers.lock(tx, serverId) : null;
      if (!s || s.ownerId !== actor.userId) {
        throw notFound(serverId);
      }
      if (input.public && s.status !== 'running') {
        throw new DomainError(ErrorCode.INVALID_TRANSITION, `Only a running server can be listed in the lobby; ${echo(s.name)} is ${s.status}`, {
          action: 'list',
          status: s.status,
          allowedFrom: ['running'],
        });
      }
      await this.servers.setListingIn(tx, s.id, { public: input.public, description, guildId: input.public ? (input.guildId ?? null) : null });
      return (await this.servers.listingIn(tx, s.id))!;
    });
  }

  /** A page of the lobby: listed servers that are running, those listed from `guildId` first. */
  async listLobby(input: {
    page?: number;
    perPage?: number;
    gameType?: string;
    guildId?: string;
  }): Promise<{ items: ServerListing[]; total: number }> {
    if (input.gameType) {
      this.catalog.require(input.gameType);
    }
    const { offset, limit } = pageWindow(input);
    const [items, total] = await this.servers.listLobby({ gameType: input.gameType, guildId: input.guildId }, offset, limit);
    return { items, total };
  }

  /** How many servers the actor owns and how many run (for /profile). */
  countsOf(actor: Actor): Promise<{ total: number; running: number }> {
    return this.servers.countsOf(actor.userId);
  }
}
