import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Paginated } from '../common/envelope';
import { AppConfig } from '../config/app-config';
import { WebhooksService } from '../webhooks/webhooks.service';
import { CreditsRepository } from './credits.repository';
import { CreditReason, CreditTransactionView, LedgerEntry, LedgerOptions } from './credits.types';
import { Ledger } from './ledger';

/**
 * The only writer of users.credits (GC), through the shared Ledger: one conditional balance update
 * plus one row per movement, in one transaction. Pass an EntityManager to join the caller's transaction.
 */
@Injectable()
export class CreditsService {
  private readonly ledger: Ledger;

  constructor(
    db: DataSource,
    private readonly stats: CreditsRepository,
    @InjectMetric('agis_credit_transactions_total') private readonly transactions: Counter<string>,
    @InjectMetric('agis_credits_spent_total') private readonly spent: Counter<string>,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
  ) {
    this.ledger = new Ledger(db, {
      table: 'credit_transactions', balanceColumn: 'credits', unit: 'Credit',
      insufficient: (required, balance) => new DomainError(ErrorCode.INSUFFICIENT_CREDITS,
        `Not enough GameCredits: ${required} GC needed, ${balance} GC available`, { required, balance }),
      afterMove: (tx, userId, delta, balanceAfter, reason) => this.afterMove(tx, userId, delta, balanceAfter, reason),
    });
  }

  /** Adds credits. Throws USER_NOT_FOUND for an unknown user. */
  async grant(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grant(userId, amount, reason, opts, em));
  }

  /** Takes credits; INSUFFICIENT_CREDITS (details {required, balance}) when the balance cannot pay. */
  async spend(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spend(userId, amount, reason, opts, em));
  }

  async balance(userId: string): Promise<number> {
    return this.ledger.balanceOf(userId);
  }

  async history(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<CreditTransactionView>> {
    return this.ledger.history(actor.userId, page);
  }

  private counted(entry: LedgerEntry): LedgerEntry {
    if (!entry.replayed) {
      this.transactions.inc({ reason: entry.reason });
      if (entry.amount < 0) {
        this.spent.inc(-entry.amount);
      }
    }
    return entry;
  }

  /** Same transaction as the movement: usage stats, and credits.low once per crossing of the threshold. */
  private async afterMove(tx: EntityManager, userId: string, delta: number, balanceAfter: number, reason: string): Promise<void> {
    // A refund gives back what was spent, so it lowers credits_spent instead of raising credits_earned.
    const refund = reason === CreditReason.REFUND;
    await this.stats.addToStats(tx, userId, delta > 0 && !refund ? delta : 0, delta < 0 || refund ? -delta : 0);
    const threshold = this.config.CREDITS_LOW_THRESHOLD;
    if (delta < 0 && balanceAfter < threshold && balanceAfter - delta >= threshold) {
      await this.webhooks.enqueue(tx, userId, 'credits.low', { balance: balanceAfter, threshold, spent: -delta, reason });
    }
  }
}

