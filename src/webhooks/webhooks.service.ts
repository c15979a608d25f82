import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { AppConfig } from '../config/app-config';
import { Transactions, Tx } from '../database/transactions';
import { EventsService } from '../events/events.service';
import { mintWebhookSecret, openWithKeyring, sealSecret, SecretKeyring } from './webhook-crypto';
import { loadWebhookKeyring } from './webhook-keys';
import { assertTargetAllowed, targetPolicy, TargetPolicy } from './webhook-target';
import { WebhooksRepository } from './webhooks.repository';
import {
  AttemptRecord,
  CreatedWebhookView,
  CreateWebhookInput,
  DeliveryRecord,
  DeliveryView,
  TEST_EVENT,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  WebhookEvent,
  WebhookFormat,
  WebhookRecord,
  WEBHOOKS_PER_USER_MAX,
  WebhookView,
} from './webhooks.types';

/**
 * Every rule about webhooks: registration (target policy, secret shown once and kept encrypted),
 * the outbox write other modules call inside their own transactions, test sends and the delivery log.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhooksService.name);
  readonly policy: TargetPolicy;
  private readonly keys: SecretKeyring;

  constructor(
    private readonly transactions: Transactions,
    private readonly repo: WebhooksRepository,
    private readonly activity: ActivityService,
    private readonly config: AppConfig,
    private readonly events: EventsService,
  ) {
    this.policy = targetPolicy(config.WEBHOOKS_ALLOW_PRIVATE, config.WEBHOOKS_ALLOWED_CIDRS);
    this.keys = loadWebhookKeyring(config);
  }

  /** During a key rotation, a serving process re-seals every secret the previous key sealed. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.keys.previous && this.config.AGIS_ROLES.length > 0) {
      await this.resealWithCurrentKey().catch((err: unknown) =>
        this.logger.error({ err }, 'Could not re-seal webhook secrets with WEBHOOK_SECRET_KEY'),
      );
    }
  }

  /**
   * Records the event in the user's event log (SSE, direct messages) and writes a delivery for each of the user's
   * webhooks subscribed to it, in the caller's transaction: the event and its deliveries commit (or roll back) together.
   */
  async enqueueIn(tx: Tx, userId: string, event: WebhookEvent, payload: Record<string, unknown>): Promise<void> {
    await this.events.recordIn(tx, userId, event, payload);
    await this.repo.enqueueForSubscribers(tx, userId, event, payload);
  }

  async create(actor: Actor, input: CreateWebhookInput): Promise<CreatedWebhookView> {
    const events = [...new Set(input.events)];
    const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (events.length === 0 || unknown.length) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `events must be among: ${WEBHOOK_EVENTS.join(', ')}`, [
        { field: 'events', messages: ['unknown event'] },
      ]);
    }
    const format: WebhookFormat = input.format ?? 'json';
    if (!WEBHOOK_FORMATS.includes(format)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `format must be one of: ${WEBHOOK_FORMATS.join(', ')}`);
    }
    const url = await assertTargetAllowed(input.url, this.policy);
    const secret = mintWebhookSecret();
    const hook = await this.transactions.run(async (tx) => {
      await this.repo.lockOwner(tx, actor.userId);
      if ((await this.repo.countOwned(tx, actor.userId)) >= WEBHOOKS_PER_USER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `You already have ${WEBHOOKS_PER_USER_MAX} webhooks; delete one first`);
      }
      const id = randomUUID();
      const saved = await this.repo.insert(tx, {
        id,
        userId: actor.userId,
        url: url.toString(),
        events,
        format,
        secretCiphertext: sealSecret(this.keys.current, secret, id),
      });
      await this.activity.recordIn(tx, actor, { action: 'webhook.created', target: { type: 'webhook', id }, details: { url: saved.url, events } });
      return saved;
    });
    return { ...toView(hook), secret };
  }

  async list(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<WebhookView>> {
    const { offset, limit } = pageWindow(page);
    const { webhooks, total } = await this.repo.listOwned(actor.userId, offset, limit);
    return paginate(webhooks.map(toView), total, page);
  }

  async remove(actor: Actor, webhookId: string): Promise<WebhookView> {
    const hook = await this.load(actor, webhookId);
    await this.transactions.run(async (tx) => {
      if (!(await this.repo.deleteOwned(tx, actor.userId, hook.id))) {
        throw notFound(webhookId);
      }
      await this.activity.recordIn(tx, actor, { action: 'webhook.deleted', target: { type: 'webhook', id: hook.id }, details: { url: hook.url } });
    });
    return toView(hook);
  }

  /** Queues a `webhook.test` delivery to this webhook only; follow it in its deliveries. */
  async sendTest(actor: Actor, webhookId: string): Promise<DeliveryView> {
    const hook = await this.load(actor, webhookId);
    if (!hook.enabled) {
      throw new DomainError(ErrorCode.CONFLICT, 'This webhook is disabled after repeated failures; create it again once the receiver works');
    }
    const id = await this.transactions.run((tx) =>
      this.repo.enqueueFor(tx, hook.id, TEST_EVENT, { message: 'Test delivery from agis: your webhook works.', webhookId: hook.id }),
    );
    return toDeliveryView((await this.repo.findDelivery(id))!, []);
  }

  async deliveries(actor: Actor, webhookId: string, page: { page?: number; perPage?: number }): Promise<Paginated<DeliveryView>> {
    const hook = await this.load(actor, webhookId);
    const { offset, limit } = pageWindow(page);
    const { deliveries, attempts, total } = await this.repo.listDeliveries(hook.id, offset, limit);
    return paginate(
      deliveries.map((d) =>
        toDeliveryView(
          d,
          attempts.filter((a) => a.deliveryId === d.id),
        ),
      ),
      total,
      page,
    );
  }

  /**
   * The signing secret of a claimed delivery (the dispatcher never logs it). One sealed with the previous
   * key (a rotation in progress) is sealed again with the current key.
   */
  async secretOf(webhookId: string, sealed: string): Promise<string> {
    const { secret, stale } = openWithKeyring(this.keys, sealed, webhookId);
    if (stale) {
      await this.repo
        .replaceSealedSecret(webhookId, sealed, sealSecret(this.keys.current, secret, webhookId))
        .catch((err: unknown) => this.logger.warn({ err, webhookId }, 'Could not re-seal a webhook secret with WEBHOOK_SECRET_KEY'));
    }
    return secret;
  }

  /** Re-seals with the current key every secret only the previous key opens; returns how many. */
  async resealWithCurrentKey(): Promise<number> {
    let resealed = 0;
    let unreadable = 0;
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const page = await this.repo.sealedSecretsAfter(after, 500);
      for (const row of page) {
        try {
          const { secret, stale } = openWithKeyring(this.keys, row.secretCiphertext, row.id);
          if (stale && (await this.repo.replaceSealedSecret(row.id, row.secretCiphertext, sealSecret(this.keys.current, secret, row.id)))) {
            resealed++;
          }
        } catch {
          unreadable++;
        }
      }
      if (page.length < 500) {
        break;
      }
      after = page[page.length - 1].id;
    }
    this.logger.log(
      `Webhook key rotation: ${resealed} secret(s) re-sealed with WEBHOOK_SECRET_KEY` +
        (unreadable ? `; ${unreadable} open with neither key (those webhooks must be registered again)` : '') +
        '. WEBHOOK_SECRET_KEY_PREVIOUS can be removed once every replica runs with this key.',
    );
    return resealed;
  }

  private async load(actor: Actor, webhookId: string): Promise<WebhookRecord> {
    const hook = isUuid(webhookId) ? await this.repo.findOwned(actor.userId, webhookId) : undefined;
    if (!hook) {
      throw notFound(webhookId);
    }
    return hook;
  }
}

function notFound(webhookId: string): DomainError {
  return new DomainError(ErrorCode.WEBHOOK_NOT_FOUND, `Webhook ${echo(webhookId)} not found`);
}

function toView(w: WebhookRecord): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events as WebhookEvent[],
    format: w.format,
    enabled: w.enabled,
    consecutiveFailures: w.consecutiveFailures,
    disabledReason: w.disabledReason,
    createdAt: w.createdAt.toISOString(),
  };
}

function toDeliveryView(d: DeliveryRecord, attempts: AttemptRecord[]): DeliveryView {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    payload: d.payload,
    createdAt: d.createdAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString() ?? null,
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      error: a.error,
      at: a.createdAt.toISOString(),
    })),
  };
}
