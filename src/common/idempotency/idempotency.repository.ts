import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface IdempotencyRecord {
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: unknown;
}

/** Idempotency-Key records; the primary key (user, key) makes the first request win any race. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DataSource) {}

  /** Returns true when this call now owns the key (fresh, or abandoned by a crashed request). */
  async begin(userId: string, key: string, requestHash: string, abandonAfterSeconds: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (user_id, key) DO UPDATE SET created_at = now(), request_hash = EXCLUDED.request_hash
         WHERE idempotency_keys.state = 'in_progress'
           AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND idempotency_keys.created_at < now() - make_interval(secs => $4)
       RETURNING 1`,
      [userId, key, requestHash, abandonAfterSeconds],
    );
    return rows.length > 0;
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows: Array<{ request_hash: string; state: IdempotencyRecord['state']; response_status: number | null; response_body: unknown }> =
      await this.db.query('SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
        userId,
        key,
      ]);
    const r = rows[0];
    return r && { requestHash: r.request_hash, state: r.state, responseStatus: r.response_status, responseBody: r.response_body };
  }

  async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4::jsonb WHERE user_id = $1 AND key = $2`,
      [userId, key, status, JSON.stringify(body ?? null)],
    );
  }

  async release(userId: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'in_progress'`, [userId, key]);
  }

  async purgeOlderThan(hours: number): Promise<number> {
    const res: [unknown[], number] = await this.db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [
      hours,
    ]);
    return res[1];
  }
}
