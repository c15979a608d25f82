import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { echo } from '../common/values/echo';
import { CreditTransactionView } from '../credits/credits.types';
import { GuildTreasuryService } from '../credits/guild-treasury.service';
import { ServersService } from '../servers/servers.service';
import { CreateServerInput, DeletedServerView, ServerActionView, ServerView } from '../servers/servers.types';
import { GuildMembersRepository } from './guild-members.repository';
import { DEPOSIT_AMOUNT_MAX, GuildChannelView, GuildDepositView, GuildTreasuryView, SNOWFLAKE_PATTERN } from './guilds.types';

type Page = { page?: number; perPage?: number };

/**
 * A Discord guild's shared money and servers. Members (users the bot has seen in the guild) deposit GC into
 * its treasury and read its ledger; managers (seen with Discord's "Manage Server") also create and control
 * servers the treasury pays for and choose the channel told when it runs dry. Discord refreshes who is a
 * member and a manager on every /guild command (`see`); REST keys act on what the bot saw last.
 */
@Injectable()
export class GuildsService {
  constructor(
    private readonly members: GuildMembersRepository,
    private readonly treasury: GuildTreasuryService,
    private readonly servers: ServersService,
  ) {}

  /** The actor ran a command in the guild, with or without "Manage Server" (from the interaction's member permissions). */
  see(actor: Actor, guildId: string, manager: boolean): Promise<void> {
    return this.members.see(guildId, actor.userId, manager);
  }

  /** Moves the member's GC into the treasury: both ledger rows or neither; a retry with the same key deposits once. */
  async deposit(actor: Actor, guildId: string, amount: number, key?: string): Promise<GuildDepositView> {
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > DEPOSIT_AMOUNT_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `amount must be a whole number of GC from 1 to ${DEPOSIT_AMOUNT_MAX}`, [
        { field: 'amount', messages: ['out of range'] },
      ]);
    }
    await this.member(actor, guildId);
    const done = await this.treasury.deposit(actor.userId, guildId, amount, key);
    return { guildId, amount, balance: done.memberBalance, treasuryBalance: done.treasuryBalance };
  }

  async summary(actor: Actor, guildId: string): Promise<GuildTreasuryView> {
    const { manager } = await this.member(actor, guildId);
    return { guildId, balance: await this.treasury.balance(guildId), manager };
  }

  /** The treasury's ledger, newest first: deposits (reference: the member's user id), server hours, refunds. */
  async transactions(actor: Actor, guildId: string, page: Page): Promise<Paginated<CreditTransactionView>> {
    await this.member(actor, guildId);
    return this.treasury.history(guildId, page);
  }

  async setChannel(actor: Actor, guildId: string, channelId: string): Promise<GuildChannelView> {
    await this.manager(actor, guildId);
    if (!SNOWFLAKE_PATTERN.test(channelId)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `channelId ${echo(channelId)} is not a Discord channel id`);
    }
    await this.treasury.setNoticeChannel(guildId, channelId);
    return { guildId, channelId };
  }

  async listServers(actor: Actor, guildId: string, page: Page): Promise<Paginated<ServerView>> {
    await this.member(actor, guildId);
    return this.servers.listOfGuild(guildId, page);
  }

  async createServer(actor: Actor, guildId: string, input: CreateServerInput): Promise<ServerView> {
    await this.manager(actor, guildId);
    return this.servers.createForGuild(actor, guildId, input);
  }

  async startServer(actor: Actor, guildId: string, serverId: string): Promise<ServerActionView> {
    await this.manager(actor, guildId);
    return this.servers.controlInGuild(actor, guildId, serverId, 'start') as Promise<ServerActionView>;
  }

  async stopServer(actor: Actor, guildId: string, serverId: string): Promise<ServerActionView> {
    await this.manager(actor, guildId);
    return this.servers.controlInGuild(actor, guildId, serverId, 'stop') as Promise<ServerActionView>;
  }

  async deleteServer(actor: Actor, guildId: string, serverId: string): Promise<DeletedServerView> {
    await this.manager(actor, guildId);
    return this.servers.controlInGuild(actor, guildId, serverId, 'delete') as Promise<DeletedServerView>;
  }

  /** The actor as a member of the guild; NOT_FOUND for a guild the bot has not seen them in (its existence is not confirmed). */
  private async member(actor: Actor, guildId: string): Promise<{ manager: boolean }> {
    const seen = SNOWFLAKE_PATTERN.test(guildId) ? await this.members.memberOf(guildId, actor.userId) : null;
    if (!seen) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `Guild ${echo(guildId)} not found: run a /guild command in that Discord server first, so agis knows you are a member`,
      );
    }
    return seen;
  }

  private async manager(actor: Actor, guildId: string): Promise<void> {
    if (!(await this.member(actor, guildId)).manager) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only members with the "Manage Server" permission in that Discord server may manage its servers', {
        required: 'Manage Server',
      });
    }
  }
}
