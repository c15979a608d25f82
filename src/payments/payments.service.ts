import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { PaymentDebtsService } from './payment-debts.service';
import { EventEffects, PaymentEventsService } from './payment-events.service';
import { PaymentGateway } from './payment-gateway';
import { PaymentsMetrics } from './payments.metrics';
import { PaymentsRepository } from './payments.repository';
import { CheckoutItem, CheckoutView, StripeWebhookView } from './payments.types';

export interface StripeWebhookInput {
  /** The exact bytes Stripe signed; nothing reads them before the signature holds. */
  rawBody: Buffer;
  signature: string | undefined;
  ip?: string;
}

/**
 * Buying WTG coins with Stripe Checkout: a session per purchase (`startCheckout`), and the webhook
 * that tells agis what happened to the money (`handleWebhook`). Coins move only from verified events.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly gateway: PaymentGateway,
    private readonly repo: PaymentsRepository,
    private readonly events: PaymentEventsService,
    private readonly debts: PaymentDebtsService,
    private readonly metrics: PaymentsMetrics,
  ) {}

  /** The shop's packages, so their metric series exist from boot. */
  declareCatalog(items: ReadonlyArray<{ id: string; currency: string }>): void {
    this.metrics.declareCatalog(items);
  }

  /**
   * A Stripe Checkout Session for one item, recorded as open. NOT_FOUND while checkout is off, CONFLICT
   * while the buyer owes coins from a reversed payment, UPSTREAM_FAILED when Stripe cannot be reached
   * (then nothing is recorded). The same `retryKey` gives the same session.
   */
  async startCheckout(actor: Actor, item: CheckoutItem, retryKey?: string): Promise<CheckoutView> {
    if (!this.gateway.checkoutEnabled) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        'Buying WTG coins is not enabled on this server: its operator has not connected Stripe (STRIPE_SECRET_KEY)',
      );
    }
    const owed = await this.debts.owedBy(actor.userId);
    if (owed > 0) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `You owe ${owed} WTG coin${owed === 1 ? '' : 's'} from a refunded or disputed payment, so new purchases are blocked until that is settled. Please contact the server's admins.`,
        { owedWtg: owed },
      );
    }
    const idempotencyKey = retryKey
      ? `agis-checkout:${actor.userId}:${createHash('sha256').update(`${retryKey}\n${item.packageId}`).digest('hex')}`
      : undefined;
    let session;
    try {
      session = await this.gateway.createCheckout({ userId: actor.userId, item, idempotencyKey });
    } catch (err) {
      this.metrics.checkout('failed');
      throw err;
    }
    await this.repo.insertCheckout({
      id: session.id,
      userId: actor.userId,
      packageId: item.packageId,
      coins: item.coins,
      amountCents: item.priceCents,
      currency: item.currency.toLowerCase(),
    });
    this.metrics.checkout('created');
    return {
      sessionId: session.id,
      url: session.url,
      packageId: item.packageId,
      coins: item.coins,
      priceCents: item.priceCents,
      currency: item.currency,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  /**
   * One Stripe webhook delivery. VALIDATION_FAILED (400, counted, logged) unless Stripe-Signature holds
   * over the raw body within the tolerance; event types agis does not act on answer 200 and change nothing.
   */
  async handleWebhook(input: StripeWebhookInput): Promise<StripeWebhookView> {
    if (!this.gateway.webhooksEnabled) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'Stripe webhooks are not enabled on this server (STRIPE_WEBHOOK_SECRET is not set)');
    }
    const verified = this.gateway.verifyEvent(input.rawBody, input.signature);
    if (!verified.ok) {
      this.metrics.signatureFailure(verified.reason);
      this.logger.warn(
        { reason: verified.reason, ip: input.ip, bodyBytes: input.rawBody.length, signaturePresent: Boolean(input.signature) },
        'Stripe webhook refused: bad signature',
      );
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid Stripe-Signature: ${verified.message}`, { reason: verified.reason });
    }
    const event = verified.event;
    let effects: EventEffects;
    switch (event.kind) {
      case 'checkout':
        effects = await this.events.fulfil(event.id, event.type, event.session);
        break;
      case 'reversal':
        effects = await this.events.reverse(event.id, event.type, event.reversal);
        break;
      case 'other':
        effects = { outcome: 'ignored', reversals: [] };
        break;
    }
    this.record(event.type, effects);
    return { eventId: event.id, type: event.type, outcome: effects.outcome };
  }

  private record(type: string, effects: EventEffects): void {
    this.metrics.event(type, effects.outcome);
    if (effects.purchase) {
      this.metrics.purchase(effects.purchase.packageId, effects.purchase.amountCents, effects.purchase.currency);
    }
    for (const r of effects.reversals) {
      this.metrics.reversal(r.kind, r.cents, r.currency, r.owed);
    }
  }
}
