import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { type CheckoutItem, type CreatedCheckout, type PaymentEvent, type SignatureFailure } from './payments.types';

export interface CheckoutRequest {
  userId: string;
  item: CheckoutItem;
  /** Same key, same session: the provider replays its first answer (24 h at Stripe). */
  idempotencyKey?: string;
}

export type VerifiedEvent = { ok: true; event: PaymentEvent } | { ok: false; reason: SignatureFailure; message: string };

/**
 * The payment provider (Stripe), as the payments service needs it. Bound to StripeApi; tests run it
 * against test/fakes/fake-stripe.ts over HTTP.
 */
export abstract class PaymentGateway {
  /** Checkout can be offered: the provider's secret key is configured. */
  abstract readonly checkoutEnabled: boolean;
  /** Webhook events can be verified: the endpoint's signing secret is configured. */
  abstract readonly webhooksEnabled: boolean;

  /**
   * Creates a hosted checkout page for one item, carrying the user and item in its metadata so the
   * completion event alone can grant it. Throws UPSTREAM_FAILED when the provider cannot be reached or
   * refuses; nothing is charged then.
   */
  abstract createCheckout(request: CheckoutRequest): Promise<CreatedCheckout>;

  /** Checks the delivery's signature over the exact bytes received, and its age, before anything reads the body. */
  abstract verifyEvent(rawBody: Buffer, signature: string | undefined): VerifiedEvent;
}

/** No provider configured (neither STRIPE_SECRET_KEY nor STRIPE_WEBHOOK_SECRET): checkout and webhooks are off. */
export class NoPaymentProvider extends PaymentGateway {
  readonly checkoutEnabled = false;
  readonly webhooksEnabled = false;

  createCheckout(): Promise<CreatedCheckout> {
    return Promise.reject(new DomainError(ErrorCode.NOT_FOUND, 'Checkout is not enabled on this server'));
  }

  verifyEvent(): VerifiedEvent {
    throw new DomainError(ErrorCode.NOT_FOUND, 'Stripe webhooks are not enabled on this server');
  }
}
