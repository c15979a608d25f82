import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface WtgRow {
  id: string;
  user_id: string;
  amount: string;
  balance_after: string;
  reason: string;
  reference: string | null;
  idempotency_key: string | null;
  created_at: Date;
}

const COLUMNS = 'id::text AS id, user_id, amount, balance_after, reason, reference, idempotency_key, created_at';

/** SQL of the WTG coin ledger (wtg_transactions + users.wtg_coins); writes take the transaction's EntityManager. */
@Injectable()
export class WtgLedgerRepository {
  constructor(private readonly db: DataSource) {}

  async findByKey(em: EntityManager, key: string): Promise<WtgRow | undefined> {
    const rows: WtgRow[] = await em.query(`SELECT ${COLUMNS} FROM wtg_transactions WHERE idempotency_key = $1`, [key]);
    return rows[0];
  }

  /** Moves the coin balance unless it would go below zero (row lock serialises a user's movements); null when it cannot pay. */
  async applyDelta(em: EntityManager, userId: string, delta: number): Promise<number | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ wtg_coins: string }>, number] = await em.query(
      'UPDATE users SET wtg_coins = wtg_coins + $2, updated_at = now() WHERE id = $1 AND wtg_coins + $2 >= 0 RETURNING wtg_coins',
      [userId, delta]);
    return rows[0] ? Number(rows[0].wtg_coins) : null;
  }

  async balanceOf(em: EntityManager, userId: string): Promise<number | null> {
    const rows: Array<{ wtg_coins: string }> = await em.query('SELECT wtg_coins FROM users WHERE id = $1', [userId]);
    return rows[0] ? Number(rows[0].wtg_coins) : null;
  }

  /** Inserts the row, or nothing (undefined) when a committed transaction already took the key. */
  async insert(em: EntityManager, row: { userId: string; amount: number; balanceAfter: number; reason: string; reference: string | null; key: string | null }):
    Promise<WtgRow | undefined> {
    const rows: WtgRow[] = await em.query(
      `INSERT INTO wtg_transactions (user_id, amount, balance_after, reason, reference, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [row.userId, row.amount, row.balanceAfter, row.reason, row.reference, row.key]);
    return rows[0];
  }

  async listForUser(userId: string, offset: number, limit: number): Promise<{ rows: WtgRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(`SELECT ${COLUMNS} FROM wtg_transactions WHERE user_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3`, [userId, offset, limit]),
      this.db.query('SELECT count(*)::int AS total FROM wtg_transactions WHERE user_id = $1', [userId]),
    ]) as [WtgRow[], Array<{ total: number }>];
    return { rows, total };
  }
}
