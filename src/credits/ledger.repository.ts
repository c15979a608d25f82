import { DataSource, EntityManager } from 'typeorm';

export interface LedgerRow {
  id: string;
  user_id: string;
  amount: string;
  balance_after: string;
  reason: string;
  reference: string | null;
  idempotency_key: string | null;
  created_at: Date;
}

/** Where one currency lives: its row table and the balance column on users (constants, never input). */
export interface LedgerTable {
  table: 'credit_transactions' | 'wtg_transactions';
  balanceColumn: 'credits' | 'wtg_coins';
}

const COLUMNS = 'id::text AS id, user_id, amount, balance_after, reason, reference, idempotency_key, created_at';

/** SQL of a balance + ledger-rows pair (GC or WTG); every write takes the transaction's EntityManager. */
export class LedgerRepository {
  constructor(private readonly db: DataSource, private readonly t: LedgerTable) {}

  async findByKey(em: EntityManager, key: string): Promise<LedgerRow | undefined> {
    const rows: LedgerRow[] = await em.query(`SELECT ${COLUMNS} FROM ${this.t.table} WHERE idempotency_key = $1`, [key]);
    return rows[0];
  }

  /**
   * Moves the balance by a signed delta unless it would go below zero; the row lock it takes
   * serialises every movement of one user. Returns the new balance, or null when it cannot pay.
   */
  async applyDelta(em: EntityManager, userId: string, delta: number): Promise<number | null> {
    const col = this.t.balanceColumn;
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ balance: string }>, number] = await em.query(
      `UPDATE users SET ${col} = ${col} + $2, updated_at = now() WHERE id = $1 AND ${col} + $2 >= 0 RETURNING ${col} AS balance`,
      [userId, delta]);
    return rows[0] ? Number(rows[0].balance) : null;
  }

  async balanceOf(em: EntityManager, userId: string): Promise<number | null> {
    const rows: Array<{ balance: string }> = await em.query(`SELECT ${this.t.balanceColumn} AS balance FROM users WHERE id = $1`, [userId]);
    return rows[0] ? Number(rows[0].balance) : null;
  }

  /**
   * Inserts the row; with a key already taken (by a transaction that committed first) it inserts
   * nothing and returns undefined, so the caller can undo its balance change in the same transaction.
   */
  async insert(em: EntityManager, row: { userId: string; amount: number; balanceAfter: number; reason: string; reference: string | null; key: string | null }):
    Promise<LedgerRow | undefined> {
    const rows: LedgerRow[] = await em.query(
      `INSERT INTO ${this.t.table} (user_id, amount, balance_after, reason, reference, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [row.userId, row.amount, row.balanceAfter, row.reason, row.reference, row.key]);
    return rows[0];
  }

  async listForUser(userId: string, offset: number, limit: number): Promise<{ rows: LedgerRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(`SELECT ${COLUMNS} FROM ${this.t.table} WHERE user_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3`, [userId, offset, limit]),
      this.db.query(`SELECT count(*)::int AS total FROM ${this.t.table} WHERE user_id = $1`, [userId]),
    ]) as [LedgerRow[], Array<{ total: number }>];
    return { rows, total };
  }
}
