import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { CREDIT_REASON_PATTERN, LEDGER_KEY_MAX, LEDGER_REFERENCE_MAX, LedgerEntry, LedgerOptions } from './credits.types';
import { LedgerRepository, LedgerRow, LedgerTable } from './ledger.repository';

export interface LedgerSpec extends LedgerTable {
  /** "GameCredits", "WTG coins": used in error messages. */
  unit: string;
  insufficient(required: number, balance: number): DomainError;
  /** Extra writes in the movement's own transaction (stats, events), after its row is in. */
  afterMove?(tx: EntityManager, userId: string, delta: number, balanceAfter: number, reason: string): Promise<void>;
}

export interface LedgerLine { id: string; amount: number; balanceAfter: number; reason: string; reference: string | null; createdAt: string }

/**
 * One balance column on users plus its ledger rows, for any currency (GC, WTG). Every movement is
 * one conditional balance update plus one row in the same transaction, so a balance never goes
 * negative and always equals the sum of its rows; an idempotency key makes a retry change nothing.
 */
export class Ledger {
  private readonly rows: LedgerRepository;

  constructor(private readonly db: DataSource, private readonly spec: LedgerSpec) {
    this.rows = new LedgerRepository(db, spec);
  }

  /** Adds a positive amount; pass an EntityManager to join the caller's transaction. */
  grant(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.move(userId, amount, reason, opts, em);
  }

  /** Takes a positive amount, refusing with spec.insufficient() when the balance cannot pay. */
  spend(userId: string, amount: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.move(userId, -amount, reason, opts, em);
  }

  private async move(userId: string, delta: number, reason: string, opts: LedgerOptions, em?: EntityManager): Promise<LedgerEntry> {
    const key = opts.idempotencyKey ?? null;
    return this.inTransaction(em, async (tx) => {
      if (key) {
        const earlier = await this.rows.findByKey(tx, key);
        if (earlier) {
          return this.replay(earlier, userId, delta, reason);
        }
      }
      const balanceAfter = await this.rows.applyDelta(tx, userId, delta);
      if (balanceAfter === null) {
        // A concurrent call with the same key may have paid in the meantime: that is a replay, not a refusal.
        const winner = key ? await this.rows.findByKey(tx, key) : undefined;
        if (winner) {
          return this.replay(winner, userId, delta, reason);
        }
        return this.refuse(tx, userId, -delta);
      }
      const row = await this.rows.insert(tx, { userId, amount: delta, balanceAfter, reason, reference: opts.reference ?? null, key });
      if (!row) {
        // The key was taken by a transaction that committed while we waited for the user's row:
        // undo our change (same transaction, so no one sees it) and answer with the first result.
        await this.rows.applyDelta(tx, userId, -delta);
        return this.replay((await this.rows.findByKey(tx, key!))!, userId, delta, reason);
      }
      await this.spec.afterMove?.(tx, userId, delta, balanceAfter, reason);
      return toEntry(row, false);
    });
  }

  async balanceOf(userId: string): Promise<number> {
    const balance = await this.rows.balanceOf(this.db.manager, userId);
    if (balance === null) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return balance;
  }

  async history(userId: string, page: { page?: number; perPage?: number }): Promise<Paginated<LedgerLine>> {
    const { offset, limit } = pageWindow(page);
    const { rows, total } = await this.rows.listForUser(userId, offset, limit);
    return paginate(rows.map((r) => {
      const e = toEntry(r, false);
      return { id: e.id, amount: e.amount, balanceAfter: e.balanceAfter, reason: e.reason, reference: e.reference, createdAt: e.createdAt.toISOString() };
    }), total, page);
  }

  private async refuse(tx: EntityManager, userId: string, required: number): Promise<never> {
    const balance = await this.rows.balanceOf(tx, userId);
    if (balance === null) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    throw this.spec.insufficient(required, balance);
  }

  /** Runs in the caller's transaction when given one, else in a new one. */
  private inTransaction<T>(em: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (em?.queryRunner?.isTransactionActive) {
      return work(em);
    }
    return (em ?? this.db.manager).transaction(work);
  }

  private check(amount: number, reason: string, opts: LedgerOptions): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${this.spec.unit} amounts must be positive whole numbers (got ${amount})`);
    }
    if (!CREDIT_REASON_PATTERN.test(reason)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid ledger reason "${reason}"`);
    }
    if ((opts.reference?.length ?? 0) > LEDGER_REFERENCE_MAX || opts.idempotencyKey === '' || (opts.idempotencyKey?.length ?? 0) > LEDGER_KEY_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Ledger reference or idempotency key is empty or too long');
    }
  }

  /** The earlier row for this key; a key reused for a different movement is a caller bug worth surfacing. */
  private replay(row: LedgerRow, userId: string, delta: number, reason: string): LedgerEntry {
    if (row.user_id !== userId || Number(row.amount) !== delta || row.reason !== reason) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, `${this.spec.unit} ledger key ${row.idempotency_key} was already used for another movement`,
        { reference: row.reference });
    }
    return toEntry(row, true);
  }
}

function toEntry(r: LedgerRow, replayed: boolean): LedgerEntry {
  return {
    id: r.id, userId: r.user_id, amount: Number(r.amount), balanceAfter: Number(r.balance_after), reason: r.reason,
    reference: r.reference, idempotencyKey: r.idempotency_key, createdAt: r.created_at, replayed,
  };
}
