import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { AttemptOutcome, AttemptRecord, ClaimedDelivery, DeliveryEvent, DeliveryRecord, WebhookFormat, WebhookRecord } from './webhooks.types';

interface WebhookRow {
  id: string;
  user_id: string;
  url: string;
  events: string[];
  format: WebhookFormat;
  secret_ciphertext: string;
  enabled: boolean;
  consecutive_failures: number;
  disabled_reason: string | null;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  finished_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: Date;
}

const WEBHOOK_COLUMNS = 'id, user_id, url, events, format, secret_ciphertext, enabled, consecutive_failures, disabled_reason, created_at';
const DELIVERY_COLUMNS = 'id, event, status, attempts, next_attempt_at, last_status_code, last_error, payload, created_at, finished_at';

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  userId: r.user_id,
  url: r.url,
  events: r.events,
  format: r.format,
  secretCiphertext: r.secret_ciphertext,
  enabled: r.enabled,
  consecutiveFailures: r.consecutive_failures,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
});

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  event: r.event,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  payload: r.payload,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const toAttempt = (r: AttemptRow): AttemptRecord => ({
  deliveryId: r.delivery_id,
  attempt: r.attempt,
  statusCode: r.status_code,
  durationMs: r.duration_ms,
  error: r.error,
  createdAt: r.created_at,
});

/** SQL of webhooks and their outbox; writes that belong to an event take the event's transaction. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DataSource) {}

  async insert(tx: Tx, hook: Pick<WebhookRecord, 'id' | 'userId' | 'url' | 'events' | 'format' | 'secretCiphertext'>): Promise<WebhookRecord> {
    const rows: WebhookRow[] = await tx.query(
      `INSERT INTO webhooks (id, user_id, url, events, format, secret_ciphertext) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${WEBHOOK_COLUMNS}`,
      [hook.id, hook.userId, hook.url, hook.events, hook.format, hook.secretCiphertext],
    );
    return toWebhook(rows[0]);
  }

  /** Serialises one owner's creations so the per-user cap holds under concurrency. */
  async lockOwner(tx: Tx, userId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhooks:' || $1, 0))`, [userId]);
  }

  async countOwned(tx: Tx, userId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await tx.query('SELECT count(*)::int AS count FROM webhooks WHERE user_id = $1', [userId]);
    return count;
  }

  async findOwned(userId: string, id: string): Promise<WebhookRecord | undefined> {
    const rows: WebhookRow[] = await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] && toWebhook(rows[0]);
  }

  async listOwned(userId: string, offset: number, limit: number): Promise<{ webhooks: WebhookRecord[]; total: number }> {
    const [rows, [{ total }]] = (await Promise.all([
      this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE user_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3`, [
        userId,
        offset,
        limit,
      ]),
      this.db.query('SELECT count(*)::int AS total FROM webhooks WHERE user_id = $1', [userId]),
    ])) as [WebhookRow[], Array<{ total: number }>];
    return { webhooks: rows.map(toWebhook), total };
  }

  async deleteOwned(tx: Tx, userId: string, id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affectedCount].
    const [, count]: [unknown[], number] = await tx.query('DELETE FROM webhooks WHERE id = $1 AND user_id = $2', [id, userId]);
    return count > 0;
  }

  /**
   * The outbox write: one pending delivery per enabled webhook of the user subscribed to the event, in
   * the caller's transaction, so the delivery exists exactly when the event committed.
   */
  async enqueueForSubscribers(tx: Tx, userId: string, event: DeliveryEvent, payload: Record<string, unknown>): Promise<number> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO webhook_deliveries (webhook_id, event, payload)
       SELECT id, $2::text, $3::jsonb FROM webhooks WHERE user_id = $1 AND enabled AND $2::text = ANY(events) RETURNING id`,
      [userId, event, JSON.stringify(payload)],
    );
    return rows.length;
  }

  async enqueueFor(tx: Tx, webhookId: string, event: DeliveryEvent, payload: Record<string, unknown>): Promise<string> {
    const [row]: Array<{ id: string }> = await tx.query(
      'INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, $2, $3::jsonb) RETURNING id',
      [webhookId, event, JSON.stringify(payload)],
    );
    return row.id;
  }

  async listDeliveries(
    webhookId: string,
    offset: number,
    limit: number,
  ): Promise<{ deliveries: DeliveryRecord[]; attempts: AttemptRecord[]; total: number }> {
    const [rows, [{ total }]] = (await Promise.all([
      this.db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id OFFSET $2 LIMIT $3`, [
        webhookId,
        offset,
        limit,
      ]),
      this.db.query('SELECT count(*)::int AS total FROM webhook_deliveries WHERE webhook_id = $1', [webhookId]),
    ])) as [DeliveryRow[], Array<{ total: number }>];
    const attempts: AttemptRow[] =
      rows.length === 0
        ? []
        : await this.db.query(
            `SELECT delivery_id, attempt, status_code, duration_ms, error, created_at FROM webhook_delivery_attempts
       WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt, id`,
            [rows.map((r) => r.id)],
          );
    return { deliveries: rows.map(toDelivery), attempts: attempts.map(toAttempt), total };
  }

  async findDelivery(id: string): Promise<DeliveryRecord | undefined> {
    const rows: DeliveryRow[] = await this.db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0] && toDelivery(rows[0]);
  }

  /**
   * Claims up to `limit` due deliveries of enabled webhooks for `worker` with a lease, counting the
   * attempt. SKIP LOCKED lets replicas claim disjoint rows at once; a crashed replica's lease expires
   * and the delivery is claimed again, so nothing in the outbox is lost.
   */
  async claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const [rows]: [
      Array<{
        id: string;
        webhook_id: string;
        user_id: string;
        event: DeliveryEvent;
        payload: Record<string, unknown>;
        attempts: number;
        created_at: Date;
        url: string;
        format: WebhookFormat;
        secret_ciphertext: string;
      }>,
      number,
    ] = await this.db.query(
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
      [worker, limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      userId: r.user_id,
      event: r.event,
      payload: r.payload,
      attempt: r.attempts,
      createdAt: r.created_at,
      url: r.url,
      format: r.format,
      secretCiphertext: r.secret_ciphertext,
    }));
  }

  async recordAttempt(tx: Tx, deliveryId: string, attempt: number, outcome: AttemptOutcome): Promise<void> {
    await tx.query('INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, error) VALUES ($1, $2, $3, $4, $5)', [
      deliveryId,
      attempt,
      outcome.statusCode,
      outcome.durationMs,
      outcome.error,
    ]);
  }

  async markDelivered(tx: Tx, deliveryId: string, webhookId: string, statusCode: number): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'delivered', last_status_code = $2, last_error = NULL, finished_at = now(),
         claimed_until = NULL, claimed_by = NULL
       WHERE id = $1 AND status <> 'delivered'`,
      [deliveryId, statusCode],
    );
    await tx.query(`UPDATE webhooks SET consecutive_failures = 0, updated_at = now() WHERE id = $1 AND consecutive_failures <> 0`, [webhookId]);
  }

  /**
   * A failed attempt: retry at `retryAt`, or give up (null). Only the claim holder moves the delivery on,
   * so a late finish from an expired claim cannot reschedule a delivery someone else now holds.
   */
  async markFailed(tx: Tx, worker: string, deliveryId: string, outcome: AttemptOutcome, retryAt: Date | null): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET last_status_code = $3, last_error = $4, claimed_until = NULL, claimed_by = NULL,
         status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE status END,
         next_attempt_at = COALESCE($5::timestamptz, next_attempt_at),
         finished_at = CASE WHEN $5::timestamptz IS NULL THEN now() ELSE finished_at END
       WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
      [deliveryId, worker, outcome.statusCode, outcome.error, retryAt],
    );
  }

  /** Counts a failure against the webhook; returns the new streak (locks the webhook row for the transaction). */
  async countFailure(tx: Tx, webhookId: string): Promise<{ failures: number; enabled: boolean } | undefined> {
    const [rows]: [Array<{ consecutive_failures: number; enabled: boolean }>, number] = await tx.query(
      `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, updated_at = now() WHERE id = $1
       RETURNING consecutive_failures, enabled`,
      [webhookId],
    );
    return rows[0] && { failures: rows[0].consecutive_failures, enabled: rows[0].enabled };
  }

  /** Disables the webhook and fails what it still had pending (nothing would ever send it). */
  async disable(tx: Tx, webhookId: string, reason: string): Promise<void> {
    await tx.query(`UPDATE webhooks SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now() WHERE id = $1`, [
      webhookId,
      reason,
    ]);
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, finished_at = now(), claimed_until = NULL, claimed_by = NULL
       WHERE webhook_id = $1 AND status = 'pending'`,
      [webhookId, reason],
    );
  }

  /** A page of sealed secrets in id order, after `afterId` (a uuid; key rotation walks them all). */
  async sealedSecretsAfter(afterId: string, limit: number): Promise<Array<{ id: string; secretCiphertext: string }>> {
    const rows: Array<{ id: string; secret_ciphertext: string }> = await this.db.query(
      'SELECT id, secret_ciphertext FROM webhooks WHERE id > $1::uuid ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, secretCiphertext: r.secret_ciphertext }));
  }

  /** Replaces a sealed secret unless it changed meanwhile (another replica re-sealed it); true when replaced. */
  async replaceSealedSecret(id: string, from: string, to: string): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.db.query(
      'UPDATE webhooks SET secret_ciphertext = $3, updated_at = now() WHERE id = $1 AND secret_ciphertext = $2',
      [id, from, to],
    );
    return count > 0;
  }
}
