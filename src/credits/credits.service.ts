import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { WebhooksService } from '../webhooks/webhooks.service';
import { CreditsRepository, LedgerRow } from './credits.repository';
import {
  CREDIT_REASON_PATTERN, CreditReason, CreditTransactionView, LEDGER_KEY_MAX, LEDGER_REFERENCE_MAX, LedgerEntry, LedgerOptions,
} from './credits.types';

/**
 * The only writer of users.credits. Every movement is one conditional balance update plus one
 * ledger row in the same transaction, so a balance never goes negative and always equals the
 * sum of its rows. Pass an EntityManager to make the movement part of the caller's transaction.
 */
@Injectable()
export class CreditsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: CreditsRepository,
    @InjectMetric('agis_credit_transactions_total') private readonly transactions: Counter<string>,
    @InjectMetric('agis_credits_spent_total') private readonly spent: Counter<string>,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
  ) {}

  /** Adds credits. Throws USER_NOT_FOUND for an unknown user. */
  async grant(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    this.checkAmount(amount);
    return this.move(userId, amount, reason, opts, em);
  }

  /** Takes credits; INSUFFICIENT_CREDITS (details {required, balance}) when the balance cannot pay. */
  async spend(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    this.checkAmount(amount);
    return this.move(userId, -amount, reason, opts, em);
  }

  async balance(userId: string): Promise<number> {
    const balance = await this.ledger.balanceOf(this.db.manager, userId);
    if (balance === null) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return balance;
  }

  async history(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<CreditTransactionView>> {
    const { offset, limit } = pageWindow(page);
    const { rows, total } = await this.ledger.listForUser(actor.userId, offset, limit);
    return paginate(rows.map((r) => {
      const e = toEntry(r, false);
      return { id: e.id, amount: e.amount, balanceAfter: e.balanceAfter, reason: e.reason, reference: e.reference, createdAt: e.createdAt.toISOString() };
    }), total, page);
  }

  private async move(userId: string, delta: number, reason: string, opts: LedgerOptions, em?: EntityManager): Promise<LedgerEntry> {
    this.checkLabels(reason, opts);
    const key = opts.idempotencyKey ?? null;
    const entry = await this.inTransaction(em, async (tx) => {
      if (key) {
        const earlier = await this.ledger.findByKey(tx, key);
        if (earlier) {
          return replay(earlier, userId, delta, reason);
        }
      }
      const balanceAfter = await this.ledger.applyDelta(tx, userId, delta);
      if (balanceAfter === null) {
        // A concurrent call with the same key may have paid in the meantime: that is a replay, not a refusal.
        const winner = key ? await this.ledger.findByKey(tx, key) : undefined;
        if (winner) {
          return replay(winner, userId, delta, reason);
        }
        return this.refuse(tx, userId, -delta);
      }
      const row = await this.ledger.insert(tx, { userId, amount: delta, balanceAfter, reason, reference: opts.reference ?? null, key });
      if (!row) {
        // The key was taken by a transaction that committed while we waited for the user's row:
        // undo our change (same transaction, so no one sees it) and answer with the first result.
        await this.ledger.applyDelta(tx, userId, -delta);
        return replay((await this.ledger.findByKey(tx, key!))!, userId, delta, reason);
      }
      // A refund gives back what was spent, so it lowers credits_spent instead of raising credits_earned.
      const refund = reason === CreditReason.REFUND;
      await this.ledger.addToStats(tx, userId, delta > 0 && !refund ? delta : 0, delta < 0 || refund ? -delta : 0);
      await this.emitLow(tx, userId, balanceAfter, delta, reason);
      return toEntry(row, false);
    });
    if (!entry.replayed) {
      this.transactions.inc({ reason });
      if (delta < 0) {
        this.spent.inc(-delta);
      }
    }
    return entry;
  }

  /** credits.low fires once per crossing: when this movement took the balance from at least the threshold to below it. */
  private async emitLow(tx: EntityManager, userId: string, balanceAfter: number, delta: number, reason: string): Promise<void> {
    const threshold = this.config.CREDITS_LOW_THRESHOLD;
    if (delta < 0 && balanceAfter < threshold && balanceAfter - delta >= threshold) {
      await this.webhooks.enqueue(tx, userId, 'credits.low', { balance: balanceAfter, threshold, spent: -delta, reason });
    }
  }

  private async refuse(tx: EntityManager, userId: string, required: number): Promise<never> {
    const balance = await this.ledger.balanceOf(tx, userId);
    if (balance === null) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    throw new DomainError(ErrorCode.INSUFFICIENT_CREDITS, `Not enough GameCredits: ${required} GC needed, ${balance} GC available`,
      { required, balance });
  }

  /** Runs in the caller's transaction when given one, else in a new one. */
  private inTransaction<T>(em: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (em?.queryRunner?.isTransactionActive) {
      return work(em);
    }
    return (em ?? this.db.manager).transaction(work);
  }

  private checkAmount(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Credit amounts must be positive whole numbers (got ${amount})`);
    }
  }

  private checkLabels(reason: string, opts: LedgerOptions): void {
    if (!CREDIT_REASON_PATTERN.test(reason)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid ledger reason "${reason}"`);
    }
    if ((opts.reference?.length ?? 0) > LEDGER_REFERENCE_MAX || opts.idempotencyKey === '' || (opts.idempotencyKey?.length ?? 0) > LEDGER_KEY_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Ledger reference or idempotency key is empty or too long');
    }
  }
}

function toEntry(r: LedgerRow, replayed: boolean): LedgerEntry {
  return {
    id: r.id, userId: r.user_id, amount: Number(r.amount), balanceAfter: Number(r.balance_after), reason: r.reason,
    reference: r.reference, idempotencyKey: r.idempotency_key, createdAt: r.created_at, replayed,
  };
}

/** The earlier row for this key; a key reused for a different movement is a caller bug worth surfacing. */
function replay(row: LedgerRow, userId: string, delta: number, reason: string): LedgerEntry {
  if (row.user_id !== userId || Number(row.amount) !== delta || row.reason !== reason) {
    throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, `Ledger idempotency key ${row.idempotency_key} was already used for another movement`);
  }
  return toEntry(row, true);
}
