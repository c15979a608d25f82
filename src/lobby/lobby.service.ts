import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { Paginated } from '../common/http/envelope';
import { paginate } from '../common/http/pagination';
import { ServerListingsService } from '../servers/server-listings.service';
import { ServerListing, SetListingInput, toServerView } from '../servers/servers.types';
import { UsersService } from '../users/users.service';
import { ListedServerView, LobbyEntryView } from './lobby.types';

export interface ListLobbyInput {
  page?: number;
  perPage?: number;
  gameType?: string;
  /** The Discord guild asking (/lobby list): servers listed from it come first. */
  guildId?: string;
}

/**
 * The public lobby: owners list their running servers (the rules and the row live in servers/, ServerListingsService), anyone
 * reads the running listed servers with their owner's name. Both REST and /lobby call these two methods.
 */
@Injectable()
export class LobbyService {
  constructor(
    private readonly servers: ServerListingsService,
    private readonly users: UsersService,
  ) {}

  async setListing(actor: Actor, serverId: string, input: SetListingInput): Promise<ListedServerView> {
    const l = await this.servers.setListing(actor, serverId, input);
    return { ...toServerView(l.server), public: l.public, description: l.description };
  }

  async list(input: ListLobbyInput): Promise<Paginated<LobbyEntryView>> {
    const { items, total } = await this.servers.listLobby(input);
    const owners = await this.ownerNames(items);
    return paginate(
      items.map((l) => toEntry(l, owners.get(l.server.ownerId) ?? 'unknown')),
      total,
      input,
    );
  }

  /** One read per distinct owner on the page (at most a page's worth), through UsersService: users/ owns the names. */
  private async ownerNames(items: readonly ServerListing[]): Promise<Map<string, string>> {
    const ids = [...new Set(items.map((l) => l.server.ownerId))];
    const names = await Promise.all(ids.map(async (id) => [id, (await this.users.findById(id)).username] as const));
    return new Map(names);
  }
}

function toEntry(l: ServerListing, owner: string): LobbyEntryView {
  const v = toServerView(l.server);
  return {
    name: v.name,
    gameType: v.gameType,
    description: l.description,
    address: v.address!,
    port: v.port,
    ports: v.ports,
    players: v.players,
    owner: { username: owner },
  };
}
