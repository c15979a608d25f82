import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { ReversalKind } from './payments.types';

export interface CheckoutRecord {
  id: string;
  userId: string;
  packageId: string;
  coins: number;
  amountCents: number;
  currency: string;
  status: 'open' | 'paid';
  paymentIntent: string | null;
  coinsReversed: number;
}

export interface NewCheckout {
  id: string;
  userId: string;
  packageId: string;
  coins: number;
  amountCents: number;
  currency: string;
}

export interface ReversalRecord {
  id: string;
  kind: ReversalKind;
  stripeId: string;
  amountCents: number;
  currency: string;
  applied: boolean;
}

export interface NewReversal {
  id: string;
  kind: ReversalKind;
  stripeId: string;
  paymentIntent: string;
  amountCents: number;
  currency: string;
}

interface CheckoutRow {
  id: string;
  user_id: string;
  package_id: string;
  coins: number;
  amount_cents: number;
  currency: string;
  status: 'open' | 'paid';
  payment_intent: string | null;
  coins_reversed: number;
}

interface ReversalRow {
  id: string;
  kind: ReversalKind;
  stripe_id: string;
  amount_cents: number;
  currency: string;
  applied: boolean;
}

const CHECKOUT_COLUMNS = 'id, user_id, package_id, coins, amount_cents, currency, status, payment_intent, coins_reversed';

const toCheckout = (r: CheckoutRow): CheckoutRecord => ({
  id: r.id,
  userId: r.user_id,
  packageId: r.package_id,
  coins: r.coins,
  amountCents: r.amount_cents,
  currency: r.currency,
  status: r.status,
  paymentIntent: r.payment_intent,
  coinsReversed: r.coins_reversed,
});

/**
 * payment_checkouts (one row per Stripe Checkout Session agis created), payment_events (the Stripe
 * events handled, so a redelivery is recognised) and payment_reversals (refunds and disputes, kept
 * until the payment they reverse is known).
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: DataSource) {}

  /** A session Stripe returned; the same session again (Stripe replayed an idempotent create) changes nothing. */
  async insertCheckout(c: NewCheckout): Promise<void> {
    await this.db.query(
      `INSERT INTO payment_checkouts (id, user_id, package_id, coins, amount_cents, currency) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [c.id, c.userId, c.packageId, c.coins, c.amountCents, c.currency],
    );
  }

  /**
   * Marks the session paid, creating its row from the event when the create call's own insert never
   * happened (the process died between Stripe's answer and the insert). Returns the row only to the one
   * caller that moved it from open to paid: a concurrent or later delivery waits for the row lock, sees
   * 'paid' and gets null.
   */
  async markPaidIn(tx: Tx, c: NewCheckout & { paymentIntent: string | null }): Promise<CheckoutRecord | null> {
    const rows: CheckoutRow[] = await tx.query(
      `INSERT INTO payment_checkouts (id, user_id, package_id, coins, amount_cents, currency, status, payment_intent, paid_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'paid', $7, now())
       ON CONFLICT (id) DO UPDATE SET status = 'paid', payment_intent = EXCLUDED.payment_intent, paid_at = now()
         WHERE payment_checkouts.status = 'open'
       RETURNING ${CHECKOUT_COLUMNS}`,
      [c.id, c.userId, c.packageId, c.coins, c.amountCents, c.currency, c.paymentIntent],
    );
    return rows[0] ? toCheckout(rows[0]) : null;
  }

  /** The paid checkout of a PaymentIntent, locked until `tx` ends; null while its payment is not known to be paid. */
  async lockPaidByIntentIn(tx: Tx, paymentIntent: string): Promise<CheckoutRecord | null> {
    const rows: CheckoutRow[] = await tx.query(
      `SELECT ${CHECKOUT_COLUMNS} FROM payment_checkouts WHERE payment_intent = $1 AND status = 'paid' FOR UPDATE`,
      [paymentIntent],
    );
    return rows[0] ? toCheckout(rows[0]) : null;
  }

  async setCoinsReversedIn(tx: Tx, checkoutId: string, coins: number): Promise<void> {
    await tx.query('UPDATE payment_checkouts SET coins_reversed = $2 WHERE id = $1', [checkoutId, coins]);
  }

  /**
   * Serialises everything about one payment (its completion, refunds and disputes) until `tx` ends, so a
   * refund handled while the completion commits is seen by one of the two, never missed by both.
   */
  async lockPaymentIn(tx: Tx, paymentIntent: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`stripe_payment:${paymentIntent}`]);
  }

  /**
   * Records a Stripe event as handled. False when it was handled before: a delivery racing the first one
   * waits on the key until that transaction ends, then sees it (or takes over if it rolled back).
   */
  /** Drops handled events received before `before`; returns how many went. */
  async purgeEventsBefore(before: Date): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const result: [unknown[], number] = await this.db.query('DELETE FROM payment_events WHERE received_at < $1', [before]);
    return Number(result[1] ?? 0);
  }

  async recordEventIn(tx: Tx, eventId: string, type: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('INSERT INTO payment_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [
      eventId,
      type,
    ]);
    return rows.length > 0;
  }

  /** Keeps a refund or dispute (once per id) until it is applied to its payment. */
  async insertReversalIn(tx: Tx, r: NewReversal): Promise<void> {
    await tx.query(
      `INSERT INTO payment_reversals (id, kind, stripe_id, payment_intent, amount_cents, currency) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [r.id, r.kind, r.stripeId, r.paymentIntent, r.amountCents, r.currency],
    );
  }

  /** Every reversal of a payment, in the order they were recorded. */
  async reversalsOfIn(tx: Tx, paymentIntent: string): Promise<ReversalRecord[]> {
    const rows: ReversalRow[] = await tx.query(
      `SELECT id, kind, stripe_id, amount_cents, currency, applied_at IS NOT NULL AS applied
       FROM payment_reversals WHERE payment_intent = $1 ORDER BY seq`,
      [paymentIntent],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      stripeId: r.stripe_id,
      amountCents: r.amount_cents,
      currency: r.currency,
      applied: r.applied,
    }));
  }

  async markReversalAppliedIn(tx: Tx, id: string, coinsTaken: number): Promise<void> {
    await tx.query('UPDATE payment_reversals SET coins_taken = $2, applied_at = now() WHERE id = $1', [id, coinsTaken]);
  }
}
