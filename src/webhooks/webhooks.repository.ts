import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryEvent, WebhookFormat } from './webhooks.types';

export interface WebhookRow {
  id: string; user_id: string; url: string; events: string[]; format: WebhookFormat; secret_ciphertext: string; enabled: boolean;
  consecutive_failures: number; disabled_reason: string | null; created_at: Date;
}

export interface DeliveryRow {
  id: string; event: string; status: 'pending' | 'delivered' | 'failed'; attempts: number; next_attempt_at: Date; last_status_code: number | null;
  last_error: string | null; payload: Record<string, unknown>; created_at: Date; finished_at: Date | null;
}

export interface AttemptRow { delivery_id: string; attempt: number; status_code: number | null; duration_ms: number; error: string | null; created_at: Date }

/** A delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedDelivery {
  id: string; webhookId: string; userId: string; event: DeliveryEvent; payload: Record<string, unknown>; attempt: number; createdAt: Date;
  url: string; format: WebhookFormat; secretCiphertext: string;
}

export interface AttemptOutcome { statusCode: number | null; error: string | null; durationMs: number }

const WEBHOOK_COLUMNS = 'id, user_id, url, events, format, secret_ciphertext, enabled, consecutive_failures, disabled_reason, created_at';

/** SQL of webhooks and their outbox; writes that belong to an event take the event's EntityManager. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DataSource) {}

  async insert(em: EntityManager, row: Pick<WebhookRow, 'id' | 'user_id' | 'url' | 'events' | 'format' | 'secret_ciphertext'>): Promise<WebhookRow> {
    const rows: WebhookRow[] = await em.query(
      `INSERT INTO webhooks (id, user_id, url, events, format, secret_ciphertext) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${WEBHOOK_COLUMNS}`,
      [row.id, row.user_id, row.url, row.events, row.format, row.secret_ciphertext]);
    return rows[0];
  }

  /** Serialises one owner's creations so the per-user cap holds under concurrency. */
  async lockOwner(em: EntityManager, userId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhooks:' || $1, 0))`, [userId]);
  }

  async countOwned(em: EntityManager, userId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await em.query('SELECT count(*)::int AS count FROM webhooks WHERE user_id = $1', [userId]);
    return count;
  }

  async findOwned(userId: string, id: string): Promise<WebhookRow | undefined> {
    const rows: WebhookRow[] = await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0];
  }

  async listOwned(userId: string, offset: number, limit: number): Promise<{ rows: WebhookRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE user_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3`, [userId, offset, limit]),
      this.db.query('SELECT count(*)::int AS total FROM webhooks WHERE user_id = $1', [userId]),
    ]) as [WebhookRow[], Array<{ total: number }>];
    return { rows, total };
  }

  async deleteOwned(em: EntityManager, userId: string, id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affectedCount].
    const [, count]: [unknown[], number] = await em.query('DELETE FROM webhooks WHERE id = $1 AND user_id = $2', [id, userId]);
    return count > 0;
  }

  /**
   * The outbox write: one pending delivery per enabled webhook of the user subscribed to the event, in
   * the caller's transaction, so the delivery exists exactly when the event committed.
   */
  async enqueueForSubscribers(em: EntityManager, userId: string, event: DeliveryEvent, payload: Record<string, unknown>): Promise<number> {
    const rows: unknown[] = await em.query(
      `INSERT INTO webhook_deliveries (webhook_id, event, payload)
       SELECT id, $2::text, $3::jsonb FROM webhooks WHERE user_id = $1 AND enabled AND $2::text = ANY(events) RETURNING id`,
      [userId, event, JSON.stringify(payload)]);
    return rows.length;
  }

  async enqueueFor(em: EntityManager, webhookId: string, event: DeliveryEvent, payload: Record<string, unknown>): Promise<string> {
    const [row]: Array<{ id: string }> = await em.query(
      'INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, $2, $3::jsonb) RETURNING id', [webhookId, event, JSON.stringify(payload)]);
    return row.id;
  }

  async listDeliveries(webhookId: string, offset: number, limit: number): Promise<{ rows: DeliveryRow[]; attempts: AttemptRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id, event, status, attempts, next_attempt_at, last_status_code, last_error, payload, created_at, finished_at
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3`, [webhookId, offset, limit]),
      this.db.query('SELECT count(*)::int AS total FROM webhook_deliveries WHERE webhook_id = $1', [webhookId]),
    ]) as [DeliveryRow[], Array<{ total: number }>];
    const attempts: AttemptRow[] = rows.length === 0 ? [] : await this.db.query(
      `SELECT delivery_id, attempt, status_code, duration_ms, error, created_at FROM webhook_delivery_attempts
       WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt, id`, [rows.map((r) => r.id)]);
    return { rows, attempts, total };
  }

  async findDelivery(id: string): Promise<DeliveryRow | undefined> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT id, event, status, attempts, next_attempt_at, last_status_code, last_error, payload, created_at, finished_at
       FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0];
  }

  /**
   * Claims up to `limit` due deliveries of enabled webhooks for `worker` with a lease, counting the
   * attempt. SKIP LOCKED lets replicas claim disjoint rows at once; a crashed replica's lease expires
   * and the delivery is claimed again, so nothing in the outbox is lost.
   */
  async claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const [rows]: [Array<{
      id: string; webhook_id: string; user_id: string; event: DeliveryEvent; payload: Record<string, unknown>; attempts: number; created_at: Date;
      url: string; format: WebhookFormat; secret_ciphertext: string;
    }>, number] = await this.db.query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.claimed_until IS NULL OR d.claimed_until < now()) AND w.enabled
         ORDER BY d.next_attempt_at
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d
       SET claimed_until = now() + make_interval(secs => $3::double precision / 1000), claimed_by = $1, attempts = d.attempts + 1
       FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id, d.webhook_id, w.user_id, d.event, d.payload, d.attempts, d.created_at, w.url, w.format, w.secret_ciphertext`,
      [worker, limit, leaseMs]);
    return rows.map((r) => ({
      id: r.id, webhookId: r.webhook_id, userId: r.user_id, event: r.event, payload: r.payload, attempt: r.attempts, createdAt: r.created_at,
      url: r.url, format: r.format, secretCiphertext: r.secret_ciphertext,
    }));
  }

  async recordAttempt(em: EntityManager, deliveryId: string, attempt: number, outcome: AttemptOutcome): Promise<void> {
    await em.query(
      'INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, error) VALUES ($1, $2, $3, $4, $5)',
      [deliveryId, attempt, outcome.statusCode, outcome.durationMs, outcome.error]);
  }

  async markDelivered(em: EntityManager, deliveryId: string, webhookId: string, statusCode: number): Promise<void> {
    await em.query(
      `UPDATE webhook_deliveries SET status = 'delivered', last_status_code = $2, last_error = NULL, finished_at = now(),
         claimed_until = NULL, claimed_by = NULL
       WHERE id = $1 AND status <> 'delivered'`, [deliveryId, statusCode]);
    await em.query(`UPDATE webhooks SET consecutive_failures = 0, updated_at = now() WHERE id = $1 AND consecutive_failures <> 0`, [webhookId]);
  }

  /**
   * A failed attempt: retry at `retryAt`, or give up (null). Only the claim holder moves the delivery on,
   * so a late finish from an expired claim cannot reschedule a delivery someone else now holds.
   */
  async markFailed(em: EntityManager, worker: string, deliveryId: string, outcome: AttemptOutcome, retryAt: Date | null): Promise<void> {
    await em.query(
      `UPDATE webhook_deliveries SET last_status_code = $3, last_error = $4, claimed_until = NULL, claimed_by = NULL,
         status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE status END,
         next_attempt_at = COALESCE($5::timestamptz, next_attempt_at),
         finished_at = CASE WHEN $5::timestamptz IS NULL THEN now() ELSE finished_at END
       WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
      [deliveryId, worker, outcome.statusCode, outcome.error, retryAt]);
  }

  /** Counts a failure against the webhook; returns the new streak (locks the webhook row for the transaction). */
  async countFailure(em: EntityManager, webhookId: string): Promise<{ failures: number; enabled: boolean } | undefined> {
    const [rows]: [Array<{ consecutive_failures: number; enabled: boolean }>, number] = await em.query(
      `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, updated_at = now() WHERE id = $1
       RETURNING consecutive_failures, enabled`, [webhookId]);
    return rows[0] && { failures: rows[0].consecutive_failures, enabled: rows[0].enabled };
  }

  /** Disables the webhook and fails what it still had pending (nothing would ever send it). */
  async disable(em: EntityManager, webhookId: string, reason: string): Promise<void> {
    await em.query(`UPDATE webhooks SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now() WHERE id = $1`, [webhookId, reason]);
    await em.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, finished_at = now(), claimed_until = NULL, claimed_by = NULL
       WHERE webhook_id = $1 AND status = 'pending'`, [webhookId, reason]);
  }

  /** A page of sealed secrets in id order, after `afterId` (a uuid; key rotation walks them all). */
  async sealedSecretsAfter(afterId: string, limit: number): Promise<Array<{ id: string; secret_ciphertext: string }>> {
    return this.db.query('SELECT id, secret_ciphertext FROM webhooks WHERE id > $1::uuid ORDER BY id LIMIT $2', [afterId, limit]);
  }

  /** Replaces a sealed secret unless it changed meanwhile (another replica re-sealed it); true when replaced. */
  async replaceSealedSecret(id: string, from: string, to: string): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.db.query(
      'UPDATE webhooks SET secret_ciphertext = $3, updated_at = now() WHERE id = $1 AND secret_ciphertext = $2', [id, from, to]);
    return count > 0;
  }
}
