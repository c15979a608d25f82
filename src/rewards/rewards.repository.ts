import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConversionRow, NewConversion } from './rewards.types';

const COLUMNS = `id::text AS id, provider, conversion_id, discord_id, user_id, type, amount, status, reason, latency_ms,
  credit_transaction_id::text AS credit_transaction_id, created_at`;

@Injectable()
export class RewardsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Serialises every callback about one conversion id of one provider (until the transaction
   * ends), so "seen before?" and "used by another user?" cannot race with a concurrent duplicate.
   */
  async lockConversion(em: EntityManager, provider: string, conversionId: string): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ad_conversion:${provider}:${conversionId}`]);
  }

  /** Serialises the conversions of one user, so the velocity count cannot be outrun by parallel callbacks. */
  async lockUser(em: EntityManager, userId: string): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ad_user:${userId}`]);
  }

  async find(em: EntityManager, provider: string, conversionId: string, discordId: string): Promise<ConversionRow | undefined> {
    const rows: ConversionRow[] = await em.query(
      `SELECT ${COLUMNS} FROM ad_conversions WHERE provider = $1 AND conversion_id = $2 AND discord_id = $3`, [provider, conversionId, discordId]);
    return rows[0];
  }

  /** Another user already holds this conversion id (credited or flagged; rejected rows do not count). */
  async usedByAnotherUser(em: EntityManager, provider: string, conversionId: string, discordId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM ad_conversions WHERE provider = $1 AND conversion_id = $2 AND discord_id <> $3 AND status IN ('completed', 'fraud') LIMIT 1`,
      [provider, conversionId, discordId]);
    return rows.length > 0;
  }

  async completedLastHour(em: EntityManager, userId: string): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM ad_conversions WHERE user_id = $1 AND status = 'completed' AND created_at > now() - interval '1 hour'`,
      [userId]);
    return n;
  }

  async insert(em: EntityManager, c: NewConversion): Promise<ConversionRow> {
    const rows: ConversionRow[] = await em.query(
      `INSERT INTO ad_conversions (provider, conversion_id, discord_id, user_id, type, amount, status, reason, latency_ms, occurred_at, credit_transaction_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [c.provider, c.conversionId, c.discordId, c.userId, c.type, c.amount, c.status, c.reason, c.latencyMs, c.occurredAt, c.creditTransactionId]);
    return rows[0];
  }

  /** GC earned from ad rewards in the last 24 h by the top `limit` users, highest first. */
  async topEarners24h(limit: number): Promise<number[]> {
    const rows: Array<{ total: string }> = await this.db.query(
      `SELECT sum(amount)::text AS total FROM ad_conversions
       WHERE status = 'completed' AND created_at > now() - interval '24 hours'
       GROUP BY user_id ORDER BY sum(amount) DESC LIMIT $1`, [limit]);
    return rows.map((r) => Number(r.total));
  }
}
