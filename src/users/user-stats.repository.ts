import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { UserStatsRecord } from './users.types';

interface StatsRow {
  servers_created: number;
  credits_earned: string;
  credits_spent: string;
  ad_conversions: number;
  commands_used: number;
  last_active_at: Date | null;
}

/**
 * user_stats: counters kept by the transactions that change them (ledger, servers trigger, rewards,
 * commands, API key uses). `last_active_at` is bot activity (commands, ad rewards; the
 * active-users gauge reads it with last_key_use_at); key uses and ledger rows stamp columns of their own, and the stats
 * read takes the latest of the three.
 */
@Injectable()
export class UserStatsRepository {
  constructor(private readonly db: DataSource) {}

  async createIn(tx: Tx, userId: string): Promise<void> {
    await tx.query('INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
  }

  /** A single increment, so concurrent commands never lose one. */
  async recordCommand(userId: string): Promise<void> {
    await this.db.query(`UPDATE user_stats SET commands_used = commands_used + 1, last_active_at = now(), updated_at = now() WHERE user_id = $1`, [
      userId,
    ]);
  }

  async countAdConversionIn(tx: Tx, userId: string): Promise<void> {
    await tx.query(
      `INSERT INTO user_stats (user_id, ad_conversions, last_active_at) VALUES ($1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET ad_conversions = user_stats.ad_conversions + 1, last_active_at = now(), updated_at = now()`,
      [userId],
    );
  }

  /**
   * GC earned and spent (spent never below 0: a refund lowers it), and the time of the movement. The
   * ledger serialises a user's movements on their users row, so the last writer is the newest row.
   */
  async addCreditsIn(tx: Tx, userId: string, earned: number, spent: number): Promise<void> {
    await tx.query(
      `INSERT INTO user_stats (user_id, credits_earned, credits_spent, last_ledger_at) VALUES ($1, $2, GREATEST($3, 0), now())
       ON CONFLICT (user_id) DO UPDATE SET credits_earned = user_stats.credits_earned + $2,
         credits_spent = GREATEST(user_stats.credits_spent + $3, 0), last_ledger_at = now(), updated_at = now()`,
      [userId, earned, spent],
    );
  }

  /**
   * The latest API key use of each user (a batch of the key-touch flush). One row per user (ON
   * CONFLICT cannot touch a row twice), in id order so concurrent flushes lock rows in the same order;
   * users deleted since the use are skipped.
   */
  async recordKeyUses(userIds: string[], times: Date[]): Promise<void> {
    await this.db.query(
      `INSERT INTO user_stats (user_id, last_key_use_at)
       SELECT u.id, max(t.at) FROM unnest($1::uuid[], $2::timestamptz[]) AS t(user_id, at) JOIN users u ON u.id = t.user_id
       GROUP BY u.id ORDER BY u.id
       ON CONFLICT (user_id) DO UPDATE
         SET last_key_use_at = GREATEST(user_stats.last_key_use_at, EXCLUDED.last_key_use_at), updated_at = now()`,
      [userIds, times],
    );
  }

  /** Null for an unknown user; a user without a stats row reads as zeros. */
  async statsOf(userId: string): Promise<UserStatsRecord | null> {
    const rows: StatsRow[] = await this.db.query(
      `SELECT COALESCE(s.servers_created, 0) AS servers_created, COALESCE(s.credits_earned, 0)::text AS credits_earned,
         COALESCE(s.credits_spent, 0)::text AS credits_spent, COALESCE(s.ad_conversions, 0) AS ad_conversions,
         COALESCE(s.commands_used, 0) AS commands_used,
         GREATEST(s.last_active_at, s.last_key_use_at, s.last_ledger_at) AS last_active_at
       FROM users u LEFT JOIN user_stats s ON s.user_id = u.id WHERE u.id = $1`,
      [userId],
    );
    const s = rows[0];
    return s
      ? {
          serversCreated: s.servers_created,
          creditsEarned: Number(s.credits_earned),
          creditsSpent: Number(s.credits_spent),
          adConversions: s.ad_conversions,
          commandsUsed: s.commands_used,
          lastActiveAt: s.last_active_at,
        }
      : null;
  }

  /**
   * Distinct users with any authenticated activity in the last `hours`: a Discord command or an ad
   * conversion (last_active_at) or a REST call with an API key (last_key_use_at, written by the
   * key-touch flush). Ledger movements are not counted: an admin grant or a payment webhook is not the
   * user acting. One row per user, so a range count on user_stats_last_seen_idx (migration
   * ActiveUsersIndex, same expression) with no DISTINCT needed.
   */
  async countActiveSince(hours: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(
      'SELECT count(*)::int AS n FROM user_stats WHERE GREATEST(last_active_at, last_key_use_at) > now() - make_interval(hours => $1)',
      [hours],
    );
    return rows[0]?.n ?? 0;
  }
}
