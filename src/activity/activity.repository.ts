import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface ActivityRow {
  userId: string;
  action: string;
  via: 'api-key' | 'discord' | 'system';
  apiKeyId: string | null;
  systemName: string | null;
  ip: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

interface StoredRow {
  id: string; action: string; via: ActivityRow['via']; api_key_id: string | null; system_name: string | null; ip: string | null;
  target_type: string | null; target_id: string | null; details: Record<string, unknown>; created_at: Date;
}

// Typed: in INSERT ... SELECT PostgreSQL cannot infer parameter types from the target columns.
const VALUES = '$1::uuid, $2::text, $3::text, $4::text, $5::text, $6::inet, $7::text, $8::text, $9::jsonb';
const params = (r: ActivityRow) => [r.userId, r.action, r.via, r.apiKeyId, r.systemName, r.ip, r.targetType, r.targetId, JSON.stringify(r.details)];

/** SQL of the activity log; writes take the caller's EntityManager so an entry commits with its action. */
@Injectable()
export class ActivityRepository {
  constructor(private readonly db: DataSource) {}

  async insert(em: EntityManager, row: ActivityRow): Promise<void> {
    await em.query(
      `INSERT INTO activity_log (user_id, action, via, api_key_id, system_name, ip, target_type, target_id, details) VALUES (${VALUES})`, params(row));
  }

  /**
   * Inserts unless the same action on the same target from the same address was recorded within
   * `windowSeconds`: a refused key hammered from one address leaves one entry per window, not one per request.
   * The advisory lock makes the check-and-insert atomic across replicas.
   */
  async insertThrottled(row: ActivityRow, windowSeconds: number): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`activity:${row.userId}:${row.action}:${row.targetId}:${row.ip}`]);
      await em.query(
        `INSERT INTO activity_log (user_id, action, via, api_key_id, system_name, ip, target_type, target_id, details)
         SELECT ${VALUES}
         WHERE NOT EXISTS (
           SELECT 1 FROM activity_log WHERE user_id = $1::uuid AND action = $2::text AND target_id IS NOT DISTINCT FROM $8::text
             AND ip IS NOT DISTINCT FROM $6::inet AND created_at > now() - make_interval(secs => $10::double precision))`,
        [...params(row), windowSeconds]);
    });
  }

  async listForUser(userId: string, offset: number, limit: number): Promise<{ rows: StoredRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id::text AS id, action, via, api_key_id, system_name, host(ip) AS ip, target_type, target_id, details, created_at
         FROM activity_log a WHERE user_id = $1 ORDER BY a.id DESC OFFSET $2 LIMIT $3`, [userId, offset, limit]),
      this.db.query('SELECT count(*)::int AS total FROM activity_log WHERE user_id = $1', [userId]),
    ]) as [StoredRow[], Array<{ total: number }>];
    return { rows, total };
  }
}
