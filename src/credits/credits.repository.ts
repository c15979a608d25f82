import { Injectable } from '@nestjs/common';
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

const COLUMNS = 'id::text AS id, user_id, amount, balance_after, reason, reference, idempotency_key, created_at';

/** SQL of the ledger; every write takes the transaction's EntityManager. */
@Injectable()
export class CreditsRepository {
  constructor(private readonly db: DataSource) {}

  async findByKey(em: EntityManager, key: string): Promise<LedgerRow | undefined> {
    const rows: LedgerRow[] = await em.query(`SELECT ${COLUMNS} FROM credit_transactions WHERE idempotency_key = $1`, [key]);
    return rows[0];
  }

  /**
   * Moves the balance by a signed delta unless it would go below zero; the row lock it takes
   * serialises every movement of one user. Returns the new balance, or null when it cannot pay.
   */
  async applyDelta(em: EntityManager, userId: string, delta: number): Promise<number | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ credits: string }>, number] = await em.query(
      `UPDATE users SET credits = credits + $2, updated_at = now() WHERE id = $1 AND credits + $2 >= 0 RETURNING credits`,
      [userId, delta]);
    return rows[0] ? Number(rows[0].credits) : null;
  }

  async balanceOf(em: EntityManager, userId: string): Promise<number | null> {
    const rows: Array<{ credits: string }> = await em.query('SELECT credits FROM users WHERE id = $1', [userId]);
    return rows[0] ? Number(rows[0].credits) : null;
  }

  /**
   * Inserts the row; with a key already taken (by a transaction that committed first) it inserts
   * nothing and returns undefined, so the caller can undo its balance change in the same transaction.
   */
  async insert(em: EntityManager, row: { userId: string; amount: number; balanceAfter: number; reason: string; reference: string | null; key: string | null }):
    Promise<LedgerRow | undefined> {
    const rows: LedgerRow[] = await em.query(
      `INSERT INTO credit_transactions (user_id, amount, balance_after, reason, reference, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [row.userId, row.amount, row.balanceAfter, row.reason, row.reference, row.key]);
    return rows[0];
  }

  async addToStats(em: EntityManager, userId: string, earned: number, spent: number): Promise<void> {
    await em.query(
      `INSERT INTO user_stats (user_id, credits_earned, credits_spent) VALUES ($1, $2, GREATEST($3, 0))
       ON CONFLICT (user_id) DO UPDATE SET credits_earned = user_stats.credits_earned + $2,
         credits_spent = GREATEST(user_stats.credits_spent + $3, 0), updated_at = now()`,
      [userId, earned, spent]);
  }

  async listForUser(userId: string, offset: number, limit: number): Promise<{ rows: LedgerRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(`SELECT ${COLUMNS} FROM credit_transactions WHERE user_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3`, [userId, offset, limit]),
      this.db.query('SELECT count(*)::int AS total FROM credit_transactions WHERE user_id = $1', [userId]),
    ]) as [LedgerRow[], Array<{ total: number }>];
    return { rows, total };
  }
}
