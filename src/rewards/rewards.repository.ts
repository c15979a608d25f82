import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { ConversionRecord, ConversionStatus, NewConversion } from './rewards.types';

interface ConversionRow {
  id: string;
  provider: string;
  conversion_id: string;
  discord_id: string;
  user_id: string | null;
  type: string;
  amount: string;
  status: ConversionStatus;
  reason: string | null;
  latency_ms: number;
  credit_transaction_id: string | null;
  created_at: Date;
}

const COLUMNS = `id::text AS id, provider, conversion_id, discord_id, user_id, type, amount, status, reason, latency_ms,
  credit_transaction_id::text AS credit_transaction_id, created_at`;

const toRecord = (r: ConversionRow): ConversionRecord => ({
  id: r.id,
  provider: r.provider,
  conversionId: r.conversion_id,
  discordId: r.discord_id,
  userId: r.user_id,
  type: r.type,
  amount: Number(r.amount),
  status: r.status,
  reason: r.reason,
  latencyMs: r.latency_ms,
  creditTransactionId: r.credit_transaction_id,
  createdAt: r.created_at,
});

/** ad_conversions: one row per conversion decided (completed, fraud or rejected). */
@Injectable()
export class RewardsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Serialises every callback about one conversion id of one provider (until the transaction
   * ends), so "seen before?" and "used by another user?" cannot race with a concurrent duplicate.
   */
  async lockConversionIn(tx: Tx, provider: string, conversionId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ad_conversion:${provider}:${conversionId}`]);
  }

  /** Serialises the conversions of one user, so the velocity count cannot be outrun by parallel callbacks. */
  async lockUserIn(tx: Tx, userId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ad_user:${userId}`]);
  }

  async findIn(tx: Tx, provider: string, conversionId: string, discordId: string): Promise<ConversionRecord | null> {
    const rows: ConversionRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM ad_conversions WHERE provider = $1 AND conversion_id = $2 AND discord_id = $3`,
      [provider, conversionId, discordId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Another user already holds this conversion id (credited or flagged; rejected rows do not count). */
  async usedByAnotherUserIn(tx: Tx, provider: string, conversionId: string, discordId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM ad_conversions WHERE provider = $1 AND conversion_id = $2 AND discord_id <> $3 AND status IN ('completed', 'fraud') LIMIT 1`,
      [provider, conversionId, discordId],
    );
    return rows.length > 0;
  }

  async completedLastHourIn(tx: Tx, userId: string): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await tx.query(
      `SELECT count(*)::int AS n FROM ad_conversions WHERE user_id = $1 AND status = 'completed' AND created_at > now() - interval '1 hour'`,
      [userId],
    );
    return n;
  }

  async insertIn(tx: Tx, c: NewConversion): Promise<ConversionRecord> {
    const rows: ConversionRow[] = await tx.query(
      `INSERT INTO ad_conversions (provider, conversion_id, discord_id, user_id, type, amount, status, reason, latency_ms, occurred_at, credit_transaction_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [c.provider, c.conversionId, c.discordId, c.userId, c.type, c.amount, c.status, c.reason, c.latencyMs, c.occurredAt, c.creditTransactionId],
    );
    return toRecord(rows[0]);
  }

  /** GC earned from ad rewards in the last 24 h by the top `limit` users, highest first. */
  async topEarners24h(limit: number): Promise<Array<{ userId: string; total: number }>> {
    const rows: Array<{ user_id: string; total: string }> = await this.db.query(
      `SELECT user_id, sum(amount)::text AS total FROM ad_conversions
       WHERE status = 'completed' AND created_at > now() - interval '24 hours'
       GROUP BY user_id ORDER BY sum(amount) DESC, user_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ userId: r.user_id, total: Number(r.total) }));
  }
}
