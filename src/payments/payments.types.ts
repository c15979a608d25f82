import { ApiProperty } from '@nestjs/swagger';

/** Ledger reasons of the WTG movements payments make (admin grants share `wtg_purchase`). */
export const PaymentReason = {
  PURCHASE: 'wtg_purchase',
  REFUND: 'wtg_refund',
  DISPUTE: 'wtg_dispute',
  DEBT_REPAYMENT: 'wtg_debt_repayment',
} as const;

/** What is being bought: one WTG package, priced by the shop's catalog. */
export interface CheckoutItem {
  packageId: string;
  name: string;
  coins: number;
  priceCents: number;
  /** ISO 4217, any case (Stripe wants lower case). */
  currency: string;
}

/** A Checkout Session the payment provider created. */
export interface CreatedCheckout {
  id: string;
  url: string;
  expiresAt: Date;
}

/** What a Stripe event means to agis, read from the signed event (stripe-events.ts). */
export type PaymentEvent =
  | { kind: 'checkout'; id: string; type: string; session: CheckoutSessionFacts }
  | { kind: 'reversal'; id: string; type: string; reversal: ReversalFacts }
  | { kind: 'other'; id: string; type: string };

export interface CheckoutSessionFacts {
  id: string;
  mode: string;
  paid: boolean;
  /** From metadata / client_reference_id, set by agis when it created the session; null for a session agis did not create. */
  userId: string | null;
  packageId: string | null;
  coins: number | null;
  amountTotal: number;
  currency: string;
  paymentIntent: string | null;
}

export type ReversalKind = 'refund' | 'dispute';
export const REVERSAL_KINDS: readonly ReversalKind[] = ['refund', 'dispute'];

export interface ReversalFacts {
  kind: ReversalKind;
  /** The charge (refunds) or dispute id: the reference of the ledger row that takes the coins back. */
  stripeId: string;
  paymentIntent: string | null;
  /** Refunds: the charge's cumulative amount_refunded; disputes: the disputed amount. In the smallest currency unit. */
  amountCents: number;
  currency: string;
}

export const WEBHOOK_OUTCOMES = ['granted', 'reversed', 'pending', 'duplicate', 'ignored'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Why a delivery's Stripe-Signature was refused (a metric label). */
export const SIGNATURE_FAILURES = ['missing', 'malformed', 'stale', 'mismatch'] as const;
export type SignatureFailure = (typeof SIGNATURE_FAILURES)[number];

export class CheckoutView {
  @ApiProperty({ example: 'cs_test_a1b2c3', description: 'The Stripe Checkout Session id' }) sessionId: string;
  @ApiProperty({ example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3', description: 'Open this page to pay' }) url: string;
  @ApiProperty({ example: 'wtg-11' }) packageId: string;
  @ApiProperty({ example: 11, description: 'WTG coins granted once Stripe reports the payment' }) coins: number;
  @ApiProperty({ example: 999 }) priceCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ description: 'The link stops working at this time' }) expiresAt: string;
}

export class StripeWebhookView {
  @ApiProperty({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }) eventId: string;
  @ApiProperty({ example: 'checkout.session.completed' }) type: string;
  @ApiProperty({
    enum: WEBHOOK_OUTCOMES,
    description:
      'granted: coins credited; reversed: coins taken back (the rest recorded as debt); pending: waiting for the payment it belongs to; ' +
      'duplicate: this event or payment was handled before; ignored: nothing for agis (other event types, sessions agis did not create)',
  })
  outcome: WebhookOutcome;
}
