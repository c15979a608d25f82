import type Stripe from 'stripe';
import { isUuid } from '../common/values/uuid';
import { type CheckoutSessionFacts, type PaymentEvent } from './payments.types';

/** Metadata keys agis writes on the Checkout Sessions it creates (and on their PaymentIntents). */
export const METADATA = { userId: 'agis_user_id', packageId: 'agis_package_id', coins: 'agis_coins' } as const;

/** The largest coin count a session's metadata may carry; anything else is not a session agis created. */
const COINS_MAX = 1_000_000;

const idOf = (ref: string | { id: string } | null | undefined): string | null =>
  ref === null || ref === undefined ? null : typeof ref === 'string' ? ref : ref.id;

/**
 * What a verified Stripe event means to agis. Reads only the fields agis acts on, so a newer API
 * version adding fields changes nothing. Event shapes: https://docs.stripe.com/api/events/types
 * (checkout.session.completed / async_payment_succeeded carry a Checkout Session, charge.refunded a
 * Charge with the cumulative amount_refunded, charge.dispute.created a Dispute).
 */
export function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const base = { id: event.id, type: event.type };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return { ...base, kind: 'checkout', session: sessionFacts(event.data.object) };
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        ...base,
        kind: 'reversal',
        reversal: {
          kind: 'refund',
          stripeId: charge.id,
          paymentIntent: idOf(charge.payment_intent),
          amountCents: charge.amount_refunded,
          currency: charge.currency,
        },
      };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      return {
        ...base,
        kind: 'reversal',
        reversal: {
          kind: 'dispute',
          stripeId: dispute.id,
          paymentIntent: idOf(dispute.payment_intent),
          amountCents: dispute.amount,
          currency: dispute.currency,
        },
      };
    }
    default:
      return { ...base, kind: 'other' };
  }
}

function sessionFacts(s: Stripe.Checkout.Session): CheckoutSessionFacts {
  const metadata = s.metadata ?? {};
  const userId = metadata[METADATA.userId] ?? s.client_reference_id ?? '';
  const coins = Number(metadata[METADATA.coins]);
  return {
    id: s.id,
    mode: s.mode,
    // "paid" once the funds are there; delayed methods complete "unpaid" and send async_payment_succeeded later.
    paid: s.payment_status === 'paid',
    userId: isUuid(userId) ? userId : null,
    packageId: metadata[METADATA.packageId] || null,
    coins: Number.isSafeInteger(coins) && coins > 0 && coins <= COINS_MAX ? coins : null,
    amountTotal: s.amount_total ?? 0,
    currency: s.currency ?? '',
    paymentIntent: idOf(s.payment_intent),
  };
}
