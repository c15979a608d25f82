import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { LedgerEntry } from './credits.types';

/** The rows table of one currency (constants, never input: they are spliced into SQL). */
export type LedgerTable = 'credit_transactions' | 'wtg_transactions' | 'guild_transactions';

/** The column naming a row's account (a user, or a guild for the treasuries): constants spliced into SQL like the table. */
const ACCOUNT: Record<LedgerTable, string> = { credit_transactions: 'user_id', wtg_transactions: 'user_id', guild_transactions: 'guild_id' };

/** A ledger row as stored (an entry without the `replayed` flag). */
export type LedgerRecord = Omit<LedgerEntry, 'replayed'>;

export interface NewLedgerRow {
  userId: string;
  amount: number;
  balanceAfter: number;
  reason: string;
  reference: string | null;
  key: string | null;
}

interface LedgerRow {
  id: string;
  user_id: string;
  amount: string;
  balance_after: string;
  reason: string;
  reference: string | null;
  idempotency_key: string | null;
  created_at: Date;
}

/** The row's columns, its account column read as user_id (LedgerRecord.userId is the account id). */
const columns = (table: LedgerTable): string =>
  `id::text AS id, ${ACCOUNT[table]}::text AS user_id, amount, balance_after, reason, reference, idempotency_key, created_at`;

const toRecord = (r: LedgerRow): LedgerRecord => ({
  id: r.id,
  userId: r.user_id,
  amount: Number(r.amount),
  balanceAfter: Number(r.balance_after),
  reason: r.reason,
  reference: r.reference,
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});

/** SQL of the ledger rows (GC or WTG); every write joins the movement's transaction. The balances live on users. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly db: DataSource) {}

  async findByKeyIn(tx: Tx, table: LedgerTable, key: string): Promise<LedgerRecord | null> {
    const rows: LedgerRow[] = await tx.query(`SELECT ${columns(table)} FROM ${table} WHERE idempotency_key = $1`, [key]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Inserts the row; with a key already taken (by a transaction that committed first) it inserts
   * nothing and returns null, so the caller can undo its balance change in the same transaction.
   */
  async insertIn(tx: Tx, table: LedgerTable, row: NewLedgerRow): Promise<LedgerRecord | null> {
    const rows: LedgerRow[] = await tx.query(
      `INSERT INTO ${table} (${ACCOUNT[table]}, amount, balance_after, reason, reference, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${columns(table)}`,
      [row.userId, row.amount, row.balanceAfter, row.reason, row.reference, row.key],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listForUser(table: LedgerTable, userId: string, offset: number, limit: number): Promise<{ rows: LedgerRecord[]; total: number }> {
    const [rows, [{ total }]] = (await Promise.all([
      // The table's bigint id: a bare `id` would name the text output column (id::text AS id) and sort "99" before "100".
      this.db.query(`SELECT ${columns(table)} FROM ${table} WHERE ${ACCOUNT[table]} = $1 ORDER BY ${table}.id DESC OFFSET $2 LIMIT $3`, [
        userId,
        offset,
        limit,
      ]),
      this.db.query(`SELECT count(*)::int AS total FROM ${table} WHERE ${ACCOUNT[table]} = $1`, [userId]),
    ])) as [LedgerRow[], Array<{ total: number }>];
    return { rows: rows.map(toRecord), total };
  }
}
