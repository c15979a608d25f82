import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { REVERSAL_KINDS, type ReversalKind, SIGNATURE_FAILURES, type SignatureFailure, type WebhookOutcome } from './payments.types';

const PURCHASES = 'agis_wtg_purchases_total';
const AMOUNT = 'agis_payments_amount_cents_total';
const REVERSALS = 'agis_payment_reversals_total';
const REVERSED = 'agis_payments_reversed_cents_total';
const DEBT = 'agis_wtg_debt_coins_total';
const SIGNATURE = 'agis_stripe_webhook_signature_failures_total';
const EVENTS = 'agis_stripe_webhook_events_total';
const CHECKOUTS = 'agis_checkout_sessions_total';

/** Event types agis acts on; any other type is counted as "other" so the label stays bounded. */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'charge.refunded',
  'charge.dispute.created',
];

/** Every label is bounded: packages and currencies come from the catalog, the rest are closed lists. */
export const paymentsMetricProviders = [
  makeCounterProvider({ name: PURCHASES, help: 'WTG packages bought through Stripe Checkout (paid sessions), by package', labelNames: ['package'] }),
  makeCounterProvider({
    name: AMOUNT,
    help: 'Money taken by paid Stripe Checkout sessions, in the smallest currency unit (cents), by package and currency',
    labelNames: ['package', 'currency'],
  }),
  makeCounterProvider({ name: REVERSALS, help: 'Refunds and disputes applied to a WTG purchase, by kind', labelNames: ['kind'] }),
  makeCounterProvider({
    name: REVERSED,
    help: 'Money refunded or disputed on WTG purchases, in the smallest currency unit (cents), by kind and currency',
    labelNames: ['kind', 'currency'],
  }),
  makeCounterProvider({ name: DEBT, help: 'WTG coins a refund or dispute could not take back (already spent), recorded as debt' }),
  makeCounterProvider({
    name: SIGNATURE,
    help: 'Stripe webhook deliveries refused for their Stripe-Signature, by reason (missing, malformed, stale, mismatch)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({ name: EVENTS, help: 'Verified Stripe webhook events, by type and outcome', labelNames: ['type', 'outcome'] }),
  makeCounterProvider({ name: CHECKOUTS, help: 'Stripe Checkout Sessions requested, by result (created, failed)', labelNames: ['result'] }),
];

@Injectable()
export class PaymentsMetrics {
  constructor(
    @InjectMetric(PURCHASES) private readonly purchases: Counter<string>,
    @InjectMetric(AMOUNT) private readonly amount: Counter<string>,
    @InjectMetric(REVERSALS) private readonly reversals: Counter<string>,
    @InjectMetric(REVERSED) private readonly reversed: Counter<string>,
    @InjectMetric(DEBT) private readonly debt: Counter<string>,
    @InjectMetric(SIGNATURE) private readonly signature: Counter<string>,
    @InjectMetric(EVENTS) private readonly events: Counter<string>,
    @InjectMetric(CHECKOUTS) private readonly checkouts: Counter<string>,
  ) {
    // Series exist from boot so rate(), increase() and the alert see 0 rather than "no data".
    for (const reason of SIGNATURE_FAILURES) {
      this.signature.inc({ reason }, 0);
    }
    for (const kind of REVERSAL_KINDS) {
      this.reversals.inc({ kind }, 0);
    }
    for (const result of ['created', 'failed']) {
      this.checkouts.inc({ result }, 0);
    }
    this.debt.inc(0);
  }

  /** The catalog's packages and currencies, so their series exist from boot too. */
  declareCatalog(packages: ReadonlyArray<{ id: string; currency: string }>): void {
    for (const p of packages) {
      const currency = p.currency.toLowerCase();
      this.purchases.inc({ package: p.id }, 0);
      this.amount.inc({ package: p.id, currency }, 0);
      for (const kind of REVERSAL_KINDS) {
        this.reversed.inc({ kind, currency }, 0);
      }
    }
  }

  checkout(result: 'created' | 'failed'): void {
    this.checkouts.inc({ result });
  }

  purchase(packageId: string, amountCents: number, currency: string): void {
    this.purchases.inc({ package: packageId });
    this.amount.inc({ package: packageId, currency: currency.toLowerCase() }, amountCents);
  }

  reversal(kind: ReversalKind, cents: number, currency: string, debtCoins: number): void {
    this.reversals.inc({ kind });
    this.reversed.inc({ kind, currency: currency.toLowerCase() }, cents);
    if (debtCoins > 0) {
      this.debt.inc(debtCoins);
    }
  }

  signatureFailure(reason: SignatureFailure): void {
    this.signature.inc({ reason });
  }

  event(type: string, outcome: WebhookOutcome): void {
    this.events.inc({ type: HANDLED_EVENT_TYPES.includes(type) ? type : 'other', outcome });
  }
}
