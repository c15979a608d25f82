import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { ActivityRecord, NewActivity } from './activity.types';

interface StoredRow {
  id: string;
  action: string;
  via: ActivityRecord['via'];
  api_key_id: string | null;
  system_name: string | null;
  ip: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

const COLUMNS = 'user_id, action, via, api_key_id, system_name, ip, target_type, target_id, details';
// Typed: in INSERT ... SELECT PostgreSQL cannot infer parameter types from the target columns.
const VALUES = '$1::uuid, $2::text, $3::text, $4::text, $5::text, $6::inet, $7::text, $8::text, $9::jsonb';
const params = (r: NewActivity) => [r.userId, r.action, r.via, r.apiKeyId, r.systemName, r.ip, r.targetType, r.targetId, JSON.stringify(r.details)];

/** SQL of activity_log; `…In` writes join the caller's transaction, so an entry commits with its action. */
@Injectable()
export class ActivityRepository {
  constructor(private readonly db: DataSource) {}

  async insertIn(tx: Tx, entry: NewActivity): Promise<void> {
    await tx.query(`INSERT INTO activity_log (${COLUMNS}) VALUES (${VALUES})`, params(entry));
  }

  async insert(entry: NewActivity): Promise<void> {
    await this.db.query(`INSERT INTO activity_log (${COLUMNS}) VALUES (${VALUES})`, params(entry));
  }

  /**
   * Inserts unless the same action on the same target from the same address was recorded within
   * `windowSeconds`: a refused key hammered from one address leaves one entry per window, not one per request.
   * The advisory lock, held to the end of the caller's transaction, makes the check-and-insert atomic
   * across replicas; it is taken in its own statement so the check's snapshot sees the previous holder's row.
   */
  async insertThrottledIn(tx: Tx, entry: NewActivity, windowSeconds: number): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `activity:${entry.userId}:${entry.action}:${entry.targetId}:${entry.ip}`,
    ]);
    await tx.query(
      `INSERT INTO activity_log (${COLUMNS})
       SELECT ${VALUES}
       WHERE NOT EXISTS (
         SELECT 1 FROM activity_log WHERE user_id = $1::uuid AND action = $2::text AND target_id IS NOT DISTINCT FROM $8::text
           AND ip IS NOT DISTINCT FROM $6::inet AND created_at > now() - make_interval(secs => $10::double precision))`,
      [...params(entry), windowSeconds],
    );
  }

  /** One page of the user's entries, newest first. */
  async pageOf(userId: string, offset: number, limit: number): Promise<{ items: ActivityRecord[]; total: number }> {
    const [rows, [{ total }]] = (await Promise.all([
      this.db.query(
        `SELECT id::text AS id, action, via, api_key_id, system_name, host(ip) AS ip, target_type, target_id, details, created_at
         FROM activity_log a WHERE user_id = $1 ORDER BY a.id DESC OFFSET $2 LIMIT $3`,
        [userId, offset, limit],
      ),
      this.db.query('SELECT count(*)::int AS total FROM activity_log WHERE user_id = $1', [userId]),
    ])) as [StoredRow[], Array<{ total: number }>];
    return {
      items: rows.map((r) => ({
        id: r.id,
        action: r.action,
        via: r.via,
        apiKeyId: r.api_key_id,
        systemName: r.system_name,
        ip: r.ip,
        targetType: r.target_type,
        targetId: r.target_id,
        details: r.details,
        createdAt: r.created_at,
      })),
      total,
    };
  }
}
