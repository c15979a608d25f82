import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { type Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { traced } from '../common/tracing/traced';
import { type Transactions, type Tx } from '../database/transactions';
import { type UsersService } from '../users/users.service';
import { type Balance } from '../users/users.types';
import { CREDIT_REASON_PATTERN, LEDGER_KEY_MAX, LEDGER_REFERENCE_MAX, type LedgerEntry, type LedgerLine, type LedgerOptions } from './credits.types';
import { type LedgerRecord, type LedgerRepository, type LedgerTable } from './ledger.repository';

/**
 * The balance a ledger's rows add up to, by account id: a users balance column (userBalance below) or a guild
 * treasury (GuildTreasuryService). `move` changes it by a signed delta unless that would go below zero (null then,
 * or for an unknown account); `read` is null for an unknown account.
 */
export interface LedgerBalances {
  move(tx: Tx, accountId: string, delta: number): Promise<number | null>;
  read(tx: Tx | null, accountId: string): Promise<number | null>;
  /** The refusal for an unknown account (USER_NOT_FOUND for users). */
  unknown(accountId: string): DomainError;
}

/** A balance column on users: the only use of UsersService.moveBalanceIn, so every users balance has its ledger rows. */
export function userBalance(users: UsersService, balance: Balance): LedgerBalances {
  return {
    move: (tx, userId, delta) => users.moveBalanceIn(tx, userId, balance, delta),
    read: (tx, userId) => users.balanceIn(tx, userId, balance),
    unknown: () => new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found'),
  };
}

export interface LedgerSpec {
  /** Where the rows go. */
  table: LedgerTable;
  /** The balance the rows add up to. */
  balances: LedgerBalances;
  /** "GameCredits", "WTG coins": used in error messages. */
  unit: string;
  insufficient(required: number, balance: number): DomainError;
  /** Extra writes in the movement's own transaction (stats, events), after its row is in. */
  afterMove?(tx: Tx, userId: string, delta: number, balanceAfter: number, reason: string): Promise<void>;
}

/**
 * One balance on users plus its ledger rows, for any currency (GC, WTG). Every movement is one
 * conditional balance update plus one row in the same transaction, so a balance never goes negative
 * and always equals the sum of its rows; an idempotency key makes a retry change nothing.
 * `…In(tx, …)` joins the caller's transaction; the same method without `In` runs in its own.
 */
export class Ledger {
  constructor(
    private readonly rows: LedgerRepository,
    private readonly transactions: Transactions,
    private readonly spec: LedgerSpec,
  ) {}

  /** Adds a positive amount. */
  grantIn(tx: Tx, userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.moveIn(tx, userId, amount, reason, opts);
  }

  /** Takes a positive amount, refusing with spec.insufficient() when the balance cannot pay. */
  spendIn(tx: Tx, userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.moveIn(tx, userId, -amount, reason, opts);
  }

  grant(userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.transactions.run((tx) => this.moveIn(tx, userId, amount, reason, opts));
  }

  spend(userId: string, amount: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    this.check(amount, reason, opts);
    return this.transactions.run((tx) => this.moveIn(tx, userId, -amount, reason, opts));
  }

  async balanceOf(userId: string): Promise<number> {
    const balance = await this.spec.balances.read(null, userId);
    if (balance === null) {
      throw this.spec.balances.unknown(userId);
    }
    return balance;
  }

  async history(userId: string, page: { page?: number; perPage?: number }): Promise<Paginated<LedgerLine>> {
    const { offset, limit } = pageWindow(page);
    const { rows, total } = await this.rows.listForUser(this.spec.table, userId, offset, limit);
    return paginate(
      rows.map((r) => ({
        id: r.id,
        amount: r.amount,
        balanceAfter: r.balanceAfter,
        reason: r.reason,
        reference: r.reference,
        createdAt: r.createdAt.toISOString(),
      })),
      total,
      page,
    );
  }

  private moveIn(tx: Tx, userId: string, delta: number, reason: string, opts: LedgerOptions): Promise<LedgerEntry> {
    const attributes = { 'agis.ledger.table': this.spec.table, 'agis.ledger.delta': delta, 'agis.ledger.reason': reason };
    return traced('ledger.move', attributes, () => this.applyMoveIn(tx, userId, delta, reason, opts));
  }

  private async applyMoveIn(tx: Tx, userId: string, delta: number, reason: string, opts: LedgerOptions): Promise<LedgerEntry> {
    const { table, balances } = this.spec;
    const key = opts.idempotencyKey ?? null;
    if (key) {
      const earlier = await this.rows.findByKeyIn(tx, table, key);
      if (earlier) {
        return this.replay(earlier, userId, delta, reason);
      }
    }
    const balanceAfter = await balances.move(tx, userId, delta);
    if (balanceAfter === null) {
      // A concurrent call with the same key may have paid in the meantime: that is a replay, not a refusal.
      const winner = key ? await this.rows.findByKeyIn(tx, table, key) : null;
      if (winner) {
        return this.replay(winner, userId, delta, reason);
      }
      return this.refuse(tx, userId, -delta);
    }
    const row = await this.rows.insertIn(tx, table, { userId, amount: delta, balanceAfter, reason, reference: opts.reference ?? null, key });
    if (!row) {
      // The key was taken by a transaction that committed while we waited for the user's row:
      // undo our change (same transaction, so no one sees it) and answer with the first result.
      await balances.move(tx, userId, -delta);
      return this.replay((await this.rows.findByKeyIn(tx, table, key!))!, userId, delta, reason);
    }
    await this.spec.afterMove?.(tx, userId, delta, balanceAfter, reason);
    return { ...row, replayed: false };
  }

  private async refuse(tx: Tx, userId: string, required: number): Promise<never> {
    const balance = await this.spec.balances.read(tx, userId);
    if (balance === null) {
      throw this.spec.balances.unknown(userId);
    }
    throw this.spec.insufficient(required, balance);
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
  private replay(row: LedgerRecord, userId: string, delta: number, reason: string): LedgerEntry {
    if (row.userId !== userId || row.amount !== delta || row.reason !== reason) {
      throw new DomainError(
        ErrorCode.IDEMPOTENCY_MISMATCH,
        `${this.spec.unit} ledger key ${row.idempotencyKey} was already used for another movement`,
        { reference: row.reference },
      );
    }
    return { ...row, replayed: true };
  }
}
