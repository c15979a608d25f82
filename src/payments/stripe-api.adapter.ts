import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { type CheckoutRequest, PaymentGateway, type VerifiedEvent } from './payment-gateway';
import { type CreatedCheckout, type SignatureFailure } from './payments.types';
import { METADATA, toPaymentEvent } from './stripe-events';

/** One Stripe API call may take this long; the SDK retries a failed connection once (with the same idempotency key). */
const REQUEST_TIMEOUT_MS = 10_000;
const NETWORK_RETRIES = 1;

/**
 * PaymentGateway over the official `stripe` SDK: Checkout Sessions are created through its client
 * (pointed at STRIPE_API_BASE), webhook deliveries are verified with its `webhooks.constructEvent`.
 */
@Injectable()
export class StripeApi extends PaymentGateway {
  private readonly logger = new Logger(StripeApi.name);
  private readonly client: Stripe | null;

  constructor(private readonly config: AppConfig) {
    super();
    this.client = config.STRIPE_SECRET_KEY
      ? new Stripe(config.STRIPE_SECRET_KEY, {
          ...apiOrigin(config.STRIPE_API_BASE),
          maxNetworkRetries: NETWORK_RETRIES,
          timeout: REQUEST_TIMEOUT_MS,
        })
      : null;
  }

  get checkoutEnabled(): boolean {
    return this.client !== null;
  }

  get webhooksEnabled(): boolean {
    return Boolean(this.config.STRIPE_WEBHOOK_SECRET);
  }

  async createCheckout({ userId, item, idempotencyKey }: CheckoutRequest): Promise<CreatedCheckout> {
    if (!this.client) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'Checkout is not enabled on this server');
    }
    const metadata = { [METADATA.userId]: userId, [METADATA.packageId]: item.packageId, [METADATA.coins]: String(item.coins) };
    let session: Stripe.Checkout.Session;
    try {
      session = await this.client.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            { quantity: 1, price_data: { currency: item.currency.toLowerCase(), unit_amount: item.priceCents, product_data: { name: item.name } } },
          ],
          client_reference_id: userId,
          metadata,
          // On the PaymentIntent too, so the payment can be traced to its buyer from Stripe's dashboard.
          payment_intent_data: { metadata },
          success_url: this.config.CHECKOUT_SUCCESS_URL,
          cancel_url: this.config.CHECKOUT_CANCEL_URL,
        },
        idempotencyKey ? { idempotencyKey } : undefined,
      );
    } catch (err) {
      // Never the key: Stripe's own messages mask it, and only these fields are logged.
      const e = err as Partial<Stripe.errors.StripeError>;
      this.logger.error(
        { stripe: { type: e.type, code: e.code, statusCode: e.statusCode, requestId: e.requestId, message: e.message } },
        'Stripe did not create a Checkout Session',
      );
      throw new DomainError(ErrorCode.UPSTREAM_FAILED, 'Stripe could not start the checkout, and nothing was charged. Try again in a moment.');
    }
    if (!session.url) {
      throw new DomainError(ErrorCode.UPSTREAM_FAILED, 'Stripe created a checkout without a payment page');
    }
    return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
  }

  verifyEvent(rawBody: Buffer, signature: string | undefined): VerifiedEvent {
    if (!signature) {
      return { ok: false, reason: 'missing', message: 'The Stripe-Signature header is missing' };
    }
    try {
      const event = Stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.config.STRIPE_WEBHOOK_SECRET ?? '',
        this.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      );
      // Signed with our secret but not an Event object (Stripe always sends id and type): refuse it rather than guess.
      if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
        return { ok: false, reason: 'malformed', message: 'The signed body is not a Stripe event (it has no id or type)' };
      }
      return { ok: true, event: toPaymentEvent(event) };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      // A signature that holds over a body that is not JSON is not Stripe's either.
      return { ok: false, reason: err instanceof Stripe.errors.StripeSignatureVerificationError ? failureOf(message) : 'malformed', message };
    }
  }
}

/** The SDK's host/port/protocol from an origin such as https://api.stripe.com or http://127.0.0.1:4010. */
function apiOrigin(base: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/** The SDK's verification messages (stripe/cjs/Webhooks.js) by cause: a bounded metric label. */
function failureOf(message: string): SignatureFailure {
  if (/tolerance/i.test(message)) {
    return 'stale';
  }
  if (/Unable to extract|expected scheme|No webhook payload|No stripe-signature/i.test(message)) {
    return 'malformed';
  }
  return 'mismatch';
}
