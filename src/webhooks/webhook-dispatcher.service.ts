import { Injectable, Logger } from '@nestjs/common';
import { ClaimLoopJob } from '../common/background/claim-loop-job';
import { ClaimLoop, workerId } from '../common/background/claim-loop';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { traced } from '../common/tracing/traced';
import { signDelivery } from './webhook-crypto';
import { postDelivery, PostResult } from './webhook-http';
import { deliveryBody, retryDelayMs } from './webhook-payload';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { AttemptOutcome, ClaimedDelivery } from './webhooks.types';

/** A claim outlives the longest possible attempt by this much, so a live attempt never loses its claim. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends the outbox (scheduler role). Each tick claims due deliveries with a lease (FOR UPDATE SKIP
 * LOCKED), POSTs them, then records the attempt and either finishes the delivery or schedules the next
 * try with backoff, in one transaction. On shutdown it stops claiming and lets attempts in flight finish
 * (each is bounded by WEBHOOKS_TIMEOUT_MS); a crash leaves claims that expire and are taken again.
 */
@Injectable()
export class WebhookDispatcher extends ClaimLoopJob<ClaimedDelivery> {
  private readonly logger = new Logger(WebhookDispatcher.name);
  readonly worker = workerId();
  protected readonly loop: ClaimLoop<ClaimedDelivery>;

  constructor(
    private readonly transactions: Transactions,
    private readonly repo: WebhooksRepository,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
  ) {
    super();
    this.loop = new ClaimLoop({
      what: 'Webhook',
      intervalMs: config.WEBHOOKS_TICK_MS,
      limit: () => config.WEBHOOKS_CONCURRENCY,
      claim: (limit) => repo.claimDue(this.worker, limit, this.leaseMs),
      handle: (claim) => this.attempt(claim),
      logger: this.logger,
    });
  }

  get leaseMs(): number {
    return this.config.WEBHOOKS_TIMEOUT_MS + LEASE_MARGIN_MS;
  }

  private attempt(claim: ClaimedDelivery): Promise<void> {
    const attributes = { 'agis.webhook.delivery_id': claim.id, 'agis.webhook.event': claim.event, 'agis.webhook.attempt': claim.attempt };
    return traced('webhook.delivery', attributes, () => this.attemptNow(claim));
  }

  private async attemptNow(claim: ClaimedDelivery): Promise<void> {
    const outcome = await this.send(claim);
    try {
      await this.record(claim, outcome);
    } catch (err) {
      // The claim expires and the delivery is attempted again: at least once, never lost.
      this.logger.error({ err, deliveryId: claim.id }, 'Could not record a webhook attempt');
    }
  }

  private async send(claim: ClaimedDelivery): Promise<PostResult> {
    let secret: string;
    try {
      secret = await this.webhooks.secretOf(claim.webhookId, claim.secretCiphertext);
    } catch {
      return {
        statusCode: null,
        error: 'cannot decrypt the webhook secret (was WEBHOOK_SECRET_KEY changed without WEBHOOK_SECRET_KEY_PREVIOUS?)',
        durationMs: 0,
      };
    }
    const body = deliveryBody(claim.format, { id: claim.id, event: claim.event, createdAt: claim.createdAt, payload: claim.payload });
    const timestamp = Math.floor(Date.now() / 1000);
    return postDelivery(
      new URL(claim.url),
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'agis-webhooks/1',
        'x-agis-event': claim.event,
        'x-agis-delivery': claim.id,
        'x-agis-timestamp': String(timestamp),
        'x-agis-signature': signDelivery(secret, timestamp, body),
      },
      this.webhooks.policy,
      this.config.WEBHOOKS_TIMEOUT_MS,
    );
  }

  private async record(claim: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.repo.recordAttempt(tx, claim.id, claim.attempt, outcome);
      if (outcome.error === null && outcome.statusCode !== null) {
        await this.repo.markDelivered(tx, claim.id, claim.webhookId, outcome.statusCode);
        return;
      }
      const delay = retryDelayMs(claim.attempt, this.config.WEBHOOKS_BACKOFF_BASE_MS, this.config.WEBHOOKS_BACKOFF_MAX_MS);
      const retryAt = new Date(Date.now() + delay);
      const giveUp = retryAt.getTime() - claim.createdAt.getTime() > this.config.WEBHOOKS_RETRY_WINDOW_MS;
      await this.repo.markFailed(tx, this.worker, claim.id, outcome, giveUp ? null : retryAt);
      const streak = await this.repo.countFailure(tx, claim.webhookId);
      if (streak && streak.enabled && streak.failures >= this.config.WEBHOOKS_DISABLE_AFTER_FAILURES) {
        await this.repo.disable(tx, claim.webhookId, `Disabled after ${streak.failures} failed attempts in a row (last: ${outcome.error})`);
        this.logger.warn(`Webhook ${claim.webhookId} disabled after ${streak.failures} failed attempts in a row`);
      }
    });
  }
}
