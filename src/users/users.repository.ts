import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Tier } from './user.entity';

/** Sliding window of the daily bonus: a claim opens the next one exactly 24 h later. */
export const DAILY_WINDOW_HOURS = 24;

export interface ProfileRow {
  discord_id: string;
  username: string;
  credits: string;
  wtg_coins: string;
  tier: Tier;
  created_at: Date;
}

export interface StatsRow {
  servers_created: number;
  credits_earned: string;
  credits_spent: string;
  ad_conversions: number;
  commands_used: number;
  last_active_at: Date | null;
}

/** SQL of users that is more than a find: the profile, the daily claim and the stats read. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: DataSource) {}

  /** Whether the bot may send the user direct messages about their servers. */
  async setNotifyDm(userId: string, enabled: boolean): Promise<void> {
    await this.db.query('UPDATE users SET notify_dm = $2 WHERE id = $1', [userId, enabled]);
  }

  /** The profile fields, read on every GET /users/me: plain SQL on the pool (see queryRows). */
  async profileOf(userId: string): Promise<ProfileRow | null> {
    const [row] = await queryRows<ProfileRow>(this.db,
      'SELECT discord_id, username, credits, wtg_coins, tier, created_at FROM users WHERE id = $1', [userId]);
    return row ?? null;
  }

  /**
   * Takes the daily bonus slot: succeeds only when the last claim is at least 24 h old. Concurrent
   * claims queue on the row lock and re-check the condition after the winner commits, so exactly
   * one of them gets a row back. Returns the claim time and tier, or null when not yet due.
   */
  async claimDaily(em: EntityManager, userId: string): Promise<{ claimedAt: Date; tier: string } | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ last_daily_at: Date; tier: string }>, number] = await em.query(
      `UPDATE users SET last_daily_at = now(), updated_at = now()
       WHERE id = $1 AND (last_daily_at IS NULL OR last_daily_at <= now() - make_interval(hours => $2))
       RETURNING last_daily_at, tier`, [userId, DAILY_WINDOW_HOURS]);
    return rows[0] ? { claimedAt: rows[0].last_daily_at, tier: rows[0].tier } : null;
  }

  /** When the user may claim again and how many seconds that is from now (database clock); null for an unknown user. */
  async nextDaily(em: EntityManager, userId: string): Promise<{ nextClaimAt: Date; retryAfterSeconds: number } | null> {
    const rows: Array<{ next_at: Date; retry: number }> = await em.query(
      `SELECT last_daily_at + make_interval(hours => $2) AS next_at,
         GREATEST(1, ceil(extract(epoch FROM last_daily_at + make_interval(hours => $2) - clock_timestamp())))::int AS retry
       FROM users WHERE id = $1 AND last_daily_at IS NOT NULL`, [userId, DAILY_WINDOW_HOURS]);
    return rows[0] ? { nextClaimAt: rows[0].next_at, retryAfterSeconds: rows[0].retry } : null;
  }

  /**
   * Counters kept in user_stats by the transactions that change them (ledger, servers trigger,
   * rewards, commands); last activity is the latest of a command, an API key use and a ledger row.
   */
  async statsOf(userId: string): Promise<StatsRow | undefined> {
    const rows: StatsRow[] = await this.db.query(
      `SELECT COALESCE(s.servers_created, 0) AS servers_created, COALESCE(s.credits_earned, 0)::text AS credits_earned,
         COALESCE(s.credits_spent, 0)::text AS credits_spent, COALESCE(s.ad_conversions, 0) AS ad_conversions,
         COALESCE(s.commands_used, 0) AS commands_used,
         GREATEST(s.last_active_at,
           (SELECT max(k.last_used_at) FROM api_keys k WHERE k.user_id = u.id),
           (SELECT t.created_at FROM credit_transactions t WHERE t.user_id = u.id ORDER BY t.id DESC LIMIT 1)) AS last_active_at
       FROM users u LEFT JOIN user_stats s ON s.user_id = u.id WHERE u.id = $1`, [userId]);
    return rows[0];
  }

  async countAdConversion(em: EntityManager, userId: string): Promise<void> {
    await em.query(
      `INSERT INTO user_stats (user_id, ad_conversions, last_active_at) VALUES ($1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET ad_conversions = user_stats.ad_conversions + 1, last_active_at = now(), updated_at = now()`,
      [userId]);
  }
}
