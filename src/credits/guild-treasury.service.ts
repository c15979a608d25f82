import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { Transactions, Tx } from '../database/transactions';
import { CreditsService } from './credits.service';
import { LedgerEntry, LedgerLine, LedgerOptions } from './credits.types';
import { Ledger } from './ledger';
import { LedgerRepository } from './ledger.repository';
import { GuildTreasuryRepository } from './guild-treasury.repository';
import { GuildNotice } from './guild-treasury.types';

/** A claimed notice not finished by then (a bot that died while posting) is claimed again. */
const NOTICE_LEASE_MS = 60_000;

export const GuildReason = {
  /** The member's side of a deposit (credit_transactions, negative). */
  DEPOSIT_OUT: 'guild_deposit',
  /** The treasury's side of a deposit (guild_transactions, positive; reference: the member's user id). */
  DEPOSIT_IN: 'deposit',
} as const;

export interface DepositResult {
  amount: number;
  /** The member's GC balance after the deposit. */
  memberBalance: number;
  /** The treasury's balance after the deposit. */
  treasuryBalance: number;
  replayed: boolean;
}

/**
 * A Discord guild's treasury: GC on the same Ledger as users' (one conditional balance update plus one
 * guild_transactions row per movement, never negative, idempotent by key), its balance in guild_accounts.
 * The only writer of guild_accounts.balance. A deposit moves a member's GC into it in one transaction.
 */
@Injectable()
export class GuildTreasuryService {
  private readonly ledger: Ledger;

  constructor(
    rows: LedgerRepository,
    private readonly accounts: GuildTreasuryRepository,
    private readonly transactions: Transactions,
    private readonly credits: CreditsService,
  ) {
    this.ledger = new Ledger(rows, transactions, {
      table: 'guild_transactions',
      balances: {
        move: (tx, guildId, delta) => accounts.moveIn(tx, guildId, delta),
        read: (tx, guildId) => accounts.balanceOf(tx, guildId),
        // A guild nobody has deposited to yet has no account: it holds nothing.
        unknown: () => new DomainError(ErrorCode.INSUFFICIENT_CREDITS, 'This guild has no GameCredits in its treasury yet'),
      },
      unit: 'Treasury',
      insufficient: (required, balance) =>
        new DomainError(
          ErrorCode.INSUFFICIENT_CREDITS,
          `Not enough GameCredits in the guild treasury: ${required} GC needed, ${balance} GC available`,
          {
            required,
            balance,
          },
        ),
    });
  }

  /** Adds GC to the treasury in the caller's transaction (creating its account). */
  async grantIn(tx: Tx, guildId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    await this.accounts.ensureIn(tx, guildId);
    return this.ledger.grantIn(tx, guildId, amount, reason, opts);
  }

  /** Takes GC from the treasury in the caller's transaction; INSUFFICIENT_CREDITS when it cannot pay (as for a user). */
  spendIn(tx: Tx, guildId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.ledger.spendIn(tx, guildId, amount, reason, opts);
  }

  /**
   * A member's deposit: their GC spend and the treasury's grant in one transaction, both rows or neither.
   * `key` (the Idempotency-Key, or the interaction id) makes a retry a replay of the first deposit.
   */
  deposit(userId: string, guildId: string, amount: number, key?: string): Promise<DepositResult> {
    // One id per deposit, bounded whatever the client's key: a retry with the same key is the same deposit.
    const depositId = key ? createHash('sha256').update(`${userId}\n${guildId}\n${key}`).digest('hex').slice(0, 32) : randomBytes(16).toString('hex');
    const idempotencyKey = `guild-deposit:${depositId}`;
    return this.transactions.run(async (tx) => {
      const out = await this.credits.spendIn(tx, userId, amount, GuildReason.DEPOSIT_OUT, { reference: guildId, idempotencyKey });
      const into = await this.grantIn(tx, guildId, amount, GuildReason.DEPOSIT_IN, { reference: userId, idempotencyKey });
      return { amount, memberBalance: out.balanceAfter, treasuryBalance: into.balanceAfter, replayed: out.replayed };
    });
  }

  /** The treasury's balance; 0 for a guild without an account. */
  async balance(guildId: string): Promise<number> {
    return (await this.accounts.balanceOf(null, guildId)) ?? 0;
  }

  /** The treasury's ledger, newest first. */
  history(guildId: string, page: { page?: number; perPage?: number }): Promise<Paginated<LedgerLine>> {
    return this.ledger.history(guildId, page);
  }

  setNoticeChannel(guildId: string, channelId: string | null): Promise<void> {
    return this.accounts.setNoticeChannel(guildId, channelId);
  }

  noticeChannelOf(guildId: string): Promise<string | null> {
    return this.accounts.noticeChannelOf(guildId);
  }

  /** Queues a message for the guild's notice channel in the caller's transaction (none without a channel). */
  noticeIn(tx: Tx, guildId: string, content: string): Promise<void> {
    return this.accounts.noticeIn(tx, guildId, content);
  }

  /** Unsent notices for the bot role to post (GuildNotices), each under a lease. */
  claimNotices(limit: number): Promise<GuildNotice[]> {
    return this.accounts.claimNotices(limit, NOTICE_LEASE_MS);
  }

  finishNotice(id: string, outcome: 'sent' | 'failed'): Promise<void> {
    return this.accounts.finishNotice(id, outcome);
  }
}
