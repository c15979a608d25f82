import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { AppConfig } from '../config/app-config';
import { Transactions, Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { CreditReason, CreditTransactionView, LedgerEntry, LedgerOptions } from './credits.types';
import { Ledger, userBalance } from './ledger';
import { LedgerRepository } from './ledger.repository';

/**
 * The only writer of users.credits (GC), through the shared Ledger: one conditional balance update
 * plus one row per movement, in one transaction. `grantIn`/`spendIn(tx, …)` join the caller's
 * transaction; `grant`/`spend` run in their own.
 */
@Injectable()
export class CreditsService {
  private readonly ledger: Ledger;

  constructor(
    rows: LedgerRepository,
    private readonly users: UsersService,
    transactions: Transactions,
    @InjectMetric('agis_credit_transactions_total') private readonly movements: Counter<string>,
    @InjectMetric('agis_credits_spent_total') private readonly spent: Counter<string>,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
  ) {
    this.ledger = new Ledger(rows, transactions, {
      table: 'credit_transactions',
      balances: userBalance(users, 'credits'),
      unit: 'Credit',
      insufficient: (required, balance) =>
        new DomainError(ErrorCode.INSUFFICIENT_CREDITS, `Not enough GameCredits: ${required} GC needed, ${balance} GC available`, {
          required,
          balance,
        }),
      afterMove: (tx, userId, delta, balanceAfter, reason) => this.afterMove(tx, userId, delta, balanceAfter, reason),
    });
  }

  /** Adds credits in the caller's transaction. Throws USER_NOT_FOUND for an unknown user. */
  async grantIn(tx: Tx, userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grantIn(tx, userId, amount, reason, opts));
  }

  /** Takes credits in the caller's transaction; INSUFFICIENT_CREDITS (details {required, balance}) when the balance cannot pay. */
  async spendIn(tx: Tx, userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spendIn(tx, userId, amount, reason, opts));
  }

  /** grantIn in a transaction of its own. */
  async grant(userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grant(userId, amount, reason, opts));
  }

  /** spendIn in a transaction of its own. */
  async spend(userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spend(userId, amount, reason, opts));
  }

  async balance(userId: string): Promise<number> {
    return this.ledger.balanceOf(userId);
  }

  async history(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<CreditTransactionView>> {
    return this.ledger.history(actor.userId, page);
  }

  private counted(entry: LedgerEntry): LedgerEntry {
    if (!entry.replayed) {
      this.movements.inc({ reason: entry.reason });
      if (entry.amount < 0) {
        this.spent.inc(-entry.amount);
      }
    }
    return entry;
  }

  /** Same transaction as the movement: usage stats, and credits.low once per crossing of the threshold. */
  private async afterMove(tx: Tx, userId: string, delta: number, balanceAfter: number, reason: string): Promise<void> {
    // A refund gives back what was spent, so it lowers credits_spent instead of raising credits_earned.
    const refund = reason === CreditReason.REFUND;
    await this.users.addCreditStatsIn(tx, userId, delta > 0 && !refund ? delta : 0, delta < 0 || refund ? -delta : 0);
    const threshold = this.config.CREDITS_LOW_THRESHOLD;
    if (delta < 0 && balanceAfter < threshold && balanceAfter - delta >= threshold) {
      await this.webhooks.enqueueIn(tx, userId, 'credits.low', { balance: balanceAfter, threshold, spent: -delta, reason });
    }
  }
}
