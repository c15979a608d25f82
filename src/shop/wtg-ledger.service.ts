import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { CREDIT_REASON_PATTERN, LEDGER_KEY_MAX, LEDGER_REFERENCE_MAX, LedgerOptions } from '../credits/credits.types';
import { WtgEntry, WtgTransactionView } from './shop.types';
import { WtgLedgerRepository, WtgRow } from './wtg-ledger.repository';

export const WTG_TRANSACTIONS_TOTAL = 'agis_wtg_transactions_total';

/**
 * The only writer of users.wtg_coins, with the same invariants as the GC ledger: one conditional
 * balance update plus one wtg_transactions row per movement, in one transaction, so the coin
 * balance never goes negative and always equals the sum of its rows. Idempotent by key.
 */
@Injectable()
export class WtgLedgerService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: WtgLedgerRepository,
    @InjectMetric(WTG_TRANSACTIONS_TOTAL) private readonly movements: Counter<string>,
  ) {}

  grant(userId: string, coins: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<WtgEntry> {
    this.check(coins, reason, opts);
    return this.move(userId, coins, reason, opts, em);
  }

  /** Takes coins; INSUFFICIENT_WTG (details {required, balance}) when the balance cannot pay. */
  spend(userId: string, coins: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<WtgEntry> {
    this.check(coins, reason, opts);
    return this.move(userId, -coins, reason, opts, em);
  }

  async history(userId: string, page: { page?: number; perPage?: number }): Promise<Paginated<WtgTransactionView>> {
    const { offset, limit } = pageWindow(page);
    const { rows, total } = await this.ledger.listForUser(userId, offset, limit);
    return paginate(rows.map((r) => {
      const e = toEntry(r, false);
      return { id: e.id, amount: e.amount, balanceAfter: e.balanceAfter, reason: e.reason, reference: e.reference, createdAt: e.createdAt.toISOString() };
    }), total, page);
  }

  private async move(userId: string, delta: number, reason: string, opts: LedgerOptions, em?: EntityManager): Promise<WtgEntry> {
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
        // A concurrent call with the same key may have paid while we waited for the row lock.
        const winner = key ? await this.ledger.findByKey(tx, key) : undefined;
        if (winner) {
          return replay(winner, userId, delta, reason);
        }
        return this.refuse(tx, userId, -delta);
      }
      const row = await this.ledger.insert(tx, { userId, amount: delta, balanceAfter, reason, reference: opts.reference ?? null, key });
      if (!row) {
        // The key was committed by another transaction meanwhile: undo our change and answer with the first result.
        await this.ledger.applyDelta(tx, userId, -delta);
        return replay((await this.ledger.findByKey(tx, key!))!, userId, delta, reason);
      }
      return toEntry(row, false);
    });
    if (!entry.replayed) {
      this.movements.inc({ reason });
    }
    return entry;
  }

  private async refuse(tx: EntityManager, userId: string, required: number): Promise<never> {
    const balance = await this.ledger.balanceOf(tx, userId);
    if (balance === null) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    throw new DomainError(ErrorCode.INSUFFICIENT_WTG, `Not enough WTG coins: ${required} needed, ${balance} available`, { required, balance });
  }

  private inTransaction<T>(em: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (em?.queryRunner?.isTransactionActive) {
      return work(em);
    }
    return (em ?? this.db.manager).transaction(work);
  }

  private check(coins: number, reason: string, opts: LedgerOptions): void {
    if (!Number.isSafeInteger(coins) || coins <= 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `WTG amounts must be positive whole numbers (got ${coins})`);
    }
    if (!CREDIT_REASON_PATTERN.test(reason)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid ledger reason "${reason}"`);
    }
    if ((opts.reference?.length ?? 0) > LEDGER_REFERENCE_MAX || opts.idempotencyKey === '' || (opts.idempotencyKey?.length ?? 0) > LEDGER_KEY_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Ledger reference or idempotency key is empty or too long');
    }
  }
}

function toEntry(r: WtgRow, replayed: boolean): WtgEntry {
  return {
    id: r.id, userId: r.user_id, amount: Number(r.amount), balanceAfter: Number(r.balance_after), reason: r.reason,
    reference: r.reference, idempotencyKey: r.idempotency_key, createdAt: r.created_at, replayed,
  };
}

/** The earlier row for this key; reusing a key for a different movement is refused. */
function replay(row: WtgRow, userId: string, delta: number, reason: string): WtgEntry {
  if (row.user_id !== userId || Number(row.amount) !== delta || row.reason !== reason) {
    throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, `WTG ledger key ${row.idempotency_key} was already used for another movement`,
      { reference: row.reference });
  }
  return toEntry(row, true);
}
