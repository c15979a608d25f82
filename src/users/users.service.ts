import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Clock } from '../common/values/clock';
import { Transactions, Tx } from '../database/transactions';
import { effectiveTier } from './premium-tier';
import { UserBalancesRepository } from './user-balances.repository';
import { UserRankingsRepository } from './user-rankings.repository';
import { Board, BoardKey, Checkpoint, RankedUser } from './user-rankings.types';
import { UserStatsRepository } from './user-stats.repository';
import { UsersRepository } from './users.repository';
import { Balance, ProfileView, RewardSlot, StatsView, Tier, UserAccount, UserContact, UserRecord, USERNAME_MAX } from './users.types';

const DISCORD_ID = /^\d{5,20}$/;
/** How long a replica trusts a user's suspension state it read (see suspensionOf), and how many users it remembers. */
const SUSPENSION_CACHE_MS = 5_000;
const SUSPENSION_CACHE_MAX = 10_000;

/**
 * Users and their stats: identities, profile, counters. Other modules reach users and user_stats
 * only through here: the ledger moves balances (…In methods, in its transaction), the leaderboard
 * reads rankings, api-keys and events read what they need.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly balances: UserBalancesRepository,
    private readonly stats: UserStatsRepository,
    private readonly rankings: UserRankingsRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  private readonly suspensions = new Map<string, { reason: string | null; until: number }>();

  /**
   * Finds or creates the user for a Discord identity (first contact creates it), keeping the name
   * fresh; `created` is true only for the call that inserted the row (what starts a new member's
   * account, in the caller's transaction: see credits' MembersService).
   */
  async ensureUserIn(tx: Tx, discordId: string, username: string): Promise<{ user: UserRecord; created: boolean }> {
    if (!DISCORD_ID.test(discordId)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'discordId must be a Discord snowflake (5-20 digits)');
    }
    const name = username.trim().slice(0, USERNAME_MAX) || discordId;
    const written = await this.users.upsertIn(tx, discordId, name);
    if (written) {
      await this.stats.createIn(tx, written.id);
    }
    return { user: this.inForce((await this.users.findByDiscordIdIn(tx, discordId))!), created: written?.created ?? false };
  }

  /** ensureUserIn in a transaction of its own. */
  ensureUser(discordId: string, username: string): Promise<{ user: UserRecord; created: boolean }> {
    return this.transactions.run((tx) => this.ensureUserIn(tx, discordId, username));
  }

  async findById(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return this.inForce(user);
  }

  async findByDiscordId(discordId: string): Promise<UserRecord | null> {
    const user = DISCORD_ID.test(discordId) ? await this.users.findByDiscordId(discordId) : null;
    return user && this.inForce(user);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async getProfile(actor: Actor): Promise<ProfileView> {
    const u = await this.findById(actor.userId);
    return {
      discordId: u.discordId,
      username: u.username,
      credits: u.credits,
      wtgCoins: u.wtgCoins,
      tier: u.tier,
      premiumUntil: u.premiumUntil?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
    };
  }

  /** Turns the bot's direct messages about the actor's servers on or off; returns the new setting. */
  async setDirectMessages(actor: Actor, enabled: boolean): Promise<{ directMessages: boolean }> {
    await this.users.setNotifyDm(actor.userId, enabled);
    return { directMessages: enabled };
  }

  /** Discord ids and the direct-message setting of these users (unknown ids are left out). */
  contactsOf(userIds: readonly string[]): Promise<Map<string, UserContact>> {
    return this.users.contactsOf(userIds);
  }

  /** Locks the user's row until `tx` ends (serialises per-user work such as key creation); false when there is no such user. */
  lockIn(tx: Tx, userId: string): Promise<boolean> {
    return this.users.lockIn(tx, userId);
  }

  async getStats(actor: Actor): Promise<StatsView> {
    const s = await this.stats.statsOf(actor.userId);
    if (!s) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return { ...s, lastActiveAt: s.lastActiveAt?.toISOString() ?? null };
  }

  /** Counts one bot command towards the actor's stats. */
  async recordCommand(actor: Actor): Promise<void> {
    await this.stats.recordCommand(actor.userId);
  }

  /** API key uses, with the times written to the keys' last_used_at (they count as activity in the stats). */
  async recordKeyUses(uses: ReadonlyArray<{ userId: string; at: Date }>): Promise<void> {
    if (uses.length > 0) {
      await this.stats.recordKeyUses(
        uses.map((u) => u.userId),
        uses.map((u) => u.at),
      );
    }
  }

  /** Counts one credited ad conversion, inside the transaction that credits it. */
  countAdConversionIn(tx: Tx, userId: string): Promise<void> {
    return this.stats.countAdConversionIn(tx, userId);
  }

  /** Distinct users with bot activity (commands, ad rewards) in the last `hours`. */
  /** Discord usernames by user id, for a bounded list (the top-earners gauge); unknown ids are left out. */
  usernamesOf(userIds: string[]): Promise<Map<string, string>> {
    return this.users.usernamesOf(userIds);
  }

  countActiveSince(hours: number): Promise<number> {
    return this.stats.countActiveSince(hours);
  }

  // Balance primitives: for the credits module's Ledger only, which writes the matching ledger row
  // in the same transaction (a balance always equals the sum of its rows).

  /** Moves a balance by a signed delta unless it would go below zero; the new balance, or null when it cannot pay. */
  moveBalanceIn(tx: Tx, userId: string, balance: Balance, delta: number): Promise<number | null> {
    return this.balances.moveIn(tx, userId, balance, delta);
  }

  /** A balance, inside `tx` or (null) on its own; null for an unknown user. */
  balanceIn(tx: Tx | null, userId: string, balance: Balance): Promise<number | null> {
    return this.balances.balanceOf(tx, userId, balance);
  }

  /** GC earned and spent in the usage stats, in the transaction of the ledger movement. */
  addCreditStatsIn(tx: Tx, userId: string, earned: number, spent: number): Promise<void> {
    return this.stats.addCreditsIn(tx, userId, earned, spent);
  }

  /**
   * Takes a reward slot (daily, work) now, by the Clock, when the last claim is at least
   * `cooldownMinutes` old; null when not yet due. The tier is the one in force at the claim.
   */
  async takeSlotIn(tx: Tx, userId: string, slot: RewardSlot, cooldownMinutes: number): Promise<{ claimedAt: Date; tier: Tier } | null> {
    const now = this.clock.now();
    const taken = await this.balances.takeSlotIn(tx, userId, slot, cooldownMinutes, now);
    return taken && { claimedAt: taken.claimedAt, tier: effectiveTier(taken.tier, taken.premiumUntil, now) };
  }

  /** When the slot opens again and how many seconds that is from now (by the Clock); null for an unknown user. */
  nextSlotIn(tx: Tx, userId: string, slot: RewardSlot, cooldownMinutes: number): Promise<{ nextClaimAt: Date; retryAfterSeconds: number } | null> {
    return this.balances.nextSlotIn(tx, userId, slot, cooldownMinutes, this.clock.now());
  }

  /**
   * Premium for `months` more calendar months from the later of now (by the Clock) and the current
   * end; the new end, or null when the user's premium has no end (or there is no such user).
   */
  extendPremiumIn(tx: Tx, userId: string, months: number): Promise<Date | null> {
    return this.balances.extendPremiumIn(tx, userId, months, this.clock.now());
  }

  // Rankings, for the leaderboard (board order: value desc, older account, lower id).

  rankingTop(board: Board, limit: number): Promise<RankedUser[]> {
    return this.rankings.top(board, limit);
  }

  rankingKeyOf(board: Board, userId: string): Promise<BoardKey | null> {
    return this.rankings.keyOf(board, userId);
  }

  /** Every `every`-th position of the board with its key. */
  rankingCheckpoints(board: Board, every: number): Promise<Checkpoint[]> {
    return this.rankings.checkpoints(board, every);
  }

  /** Users strictly between `from` (exclusive; null = the start) and `to` on the board. */
  countRankedBetween(board: Board, from: BoardKey | null, to: BoardKey): Promise<number> {
    return this.rankings.countBetween(board, from, to);
  }

  /**
   * Why the user is suspended, or null. Read on every API-key request and Discord command, so remembered for
   * SUSPENSION_CACHE_MS: the replica that suspends forgets at once (forgetSuspension), others within that time.
   */
  async suspensionOf(userId: string): Promise<string | null> {
    const cached = this.suspensions.get(userId);
    if (cached && cached.until > Date.now()) {
      return cached.reason;
    }
    const reason = await this.users.suspensionOf(userId);
    if (this.suspensions.size >= SUSPENSION_CACHE_MAX) {
      this.suspensions.clear();
    }
    this.suspensions.set(userId, { reason, until: Date.now() + SUSPENSION_CACHE_MS });
    return reason;
  }

  /** After a suspension changed (committed): this replica reads it afresh. */
  forgetSuspension(userId: string): void {
    this.suspensions.delete(userId);
  }

  /** Suspends the user unless they already are; false if they were. */
  suspendIn(tx: Tx, userId: string, reason: string): Promise<boolean> {
    return this.users.suspendIn(tx, userId, reason);
  }

  /** Lifts the user's suspension; false if they were not suspended. */
  unsuspendIn(tx: Tx, userId: string): Promise<boolean> {
    return this.users.unsuspendIn(tx, userId);
  }

  /** Staff's search over every user (name part, Discord id or user id), newest first. */
  async search(search: string | undefined, offset: number, limit: number): Promise<{ items: UserAccount[]; total: number }> {
    const [items, total] = await this.users.search(search, offset, limit);
    return { items: items.map((u) => ({ ...u, tier: effectiveTier(u.tier, u.premiumUntil, this.clock.now()) })), total };
  }

  /** The record with the tier in force now: a premium whose end has passed reads as free. */
  private inForce(u: UserRecord): UserRecord {
    return { ...u, tier: effectiveTier(u.tier, u.premiumUntil, this.clock.now()) };
  }
}
