import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { WtgLedgerService } from '../credits/wtg-ledger.service';
import { Transactions, Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { PaymentDebtsService } from './payment-debts.service';
import { PaymentsRepository } from './payments.repository';
import { type CheckoutSessionFacts, PaymentReason, type ReversalFacts, type ReversalKind, type WebhookOutcome } from './payments.types';
import { coinsToReverse } from './reversal-coins';

/** What one handled event did, for the metrics (counted once its transaction committed). */
export interface EventEffects {
  outcome: WebhookOutcome;
  purchase?: { packageId: string; amountCents: number; currency: string };
  reversals: Array<{ kind: ReversalKind; cents: number; currency: string; owed: number }>;
}

const nothing = (outcome: WebhookOutcome): EventEffects => ({ outcome, reversals: [] });

/**
 * The money side of Stripe's events, each in one transaction with the event's id recorded, so a
 * redelivery changes nothing. A paid session grants its coins once (the row turning 'paid' decides);
 * a refund or dispute takes the paid share back; either order works, because a reversal whose payment
 * is not known yet is kept and applied when the payment's completion arrives.
 */
@Injectable()
export class PaymentEventsService {
  private readonly logger = new Logger(PaymentEventsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly repo: PaymentsRepository,
    private readonly wtg: WtgLedgerService,
    private readonly debts: PaymentDebtsService,
    private readonly users: UsersService,
  ) {}

  async fulfil(eventId: string, type: string, s: CheckoutSessionFacts): Promise<EventEffects> {
    if (s.mode !== 'payment' || !s.userId || !s.packageId || !s.coins) {
      return nothing('ignored'); // not a session agis created
    }
    if (!s.paid) {
      return nothing('pending'); // a delayed payment method: checkout.session.async_payment_succeeded follows
    }
    const { userId, packageId, coins } = s;
    if (!(await this.userExists(userId))) {
      // Answered 200: a redelivery could never succeed, and Stripe would retry it for days.
      this.logger.warn({ session: s.id, userId }, 'A paid Checkout Session belongs to a user who no longer exists; no coins granted');
      return nothing('ignored');
    }
    return this.transactions.run(async (tx) => {
      if (!(await this.repo.recordEventIn(tx, eventId, type))) {
        return nothing('duplicate');
      }
      if (s.paymentIntent) {
        await this.repo.lockPaymentIn(tx, s.paymentIntent);
      }
      const paid = await this.repo.markPaidIn(tx, {
        id: s.id,
        userId,
        packageId,
        coins,
        amountCents: s.amountTotal,
        currency: s.currency,
        paymentIntent: s.paymentIntent,
      });
      if (!paid) {
        return nothing('duplicate'); // another event of this session (completed / async succeeded) granted it
      }
      // The ledger key is a second lock on "once per session": the row above already decided.
      await this.wtg.grantIn(tx, paid.userId, paid.coins, PaymentReason.PURCHASE, { idempotencyKey: `stripe:${paid.id}`, reference: paid.id });
      const reversals = paid.paymentIntent ? await this.applyReversalsIn(tx, paid.paymentIntent) : [];
      await this.debts.repayIn(tx, paid.userId, paid.id);
      return { outcome: 'granted', purchase: { packageId: paid.packageId, amountCents: s.amountTotal, currency: s.currency }, reversals };
    });
  }

  async reverse(eventId: string, type: string, r: ReversalFacts): Promise<EventEffects> {
    const paymentIntent = r.paymentIntent;
    if (!paymentIntent || r.amountCents <= 0) {
      return nothing('ignored');
    }
    return this.transactions.run(async (tx) => {
      if (!(await this.repo.recordEventIn(tx, eventId, type))) {
        return nothing('duplicate');
      }
      await this.repo.lockPaymentIn(tx, paymentIntent);
      // Refunds are cumulative per charge: each new total is its own reversal, a repeated total is the same one.
      const id = r.kind === 'refund' ? `refund:${r.stripeId}:${r.amountCents}` : `dispute:${r.stripeId}`;
      await this.repo.insertReversalIn(tx, {
        id,
        kind: r.kind,
        stripeId: r.stripeId,
        paymentIntent,
        amountCents: r.amountCents,
        currency: r.currency,
      });
      const applied = await this.applyReversalsIn(tx, paymentIntent);
      return applied.length > 0 ? { outcome: 'reversed', reversals: applied } : nothing('pending');
    });
  }

  private async userExists(userId: string): Promise<boolean> {
    try {
      await this.users.findById(userId);
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.USER_NOT_FOUND) {
        return false;
      }
      throw err;
    }
  }

  /**
   * Applies the payment's pending reversals, if the payment is known and paid: each takes back the
   * coins its share adds (coinsToReverse over every reversal applied so far), under the checkout's row
   * lock and the payment lock, so two reversals of one payment never both take the same coins.
   */
  private async applyReversalsIn(tx: Tx, paymentIntent: string): Promise<EventEffects['reversals']> {
    const checkout = await this.repo.lockPaidByIntentIn(tx, paymentIntent);
    if (!checkout) {
      return [];
    }
    const all = await this.repo.reversalsOfIn(tx, paymentIntent);
    let refundedCents = 0;
    let disputedCents = 0;
    const include = (r: (typeof all)[number]) => {
      if (r.kind === 'refund') {
        refundedCents = Math.max(refundedCents, r.amountCents);
      } else {
        disputedCents += r.amountCents;
      }
    };
    const reversedCents = () => Math.min(checkout.amountCents, refundedCents + disputedCents);
    all.filter((r) => r.applied).forEach(include);
    let reversed = checkout.coinsReversed;
    const effects: EventEffects['reversals'] = [];
    for (const r of all.filter((x) => !x.applied)) {
      const centsBefore = reversedCents();
      include(r);
      const coins = Math.max(
        0,
        coinsToReverse({ coins: checkout.coins, amountCents: checkout.amountCents, refundedCents, disputedCents }) - reversed,
      );
      let owed = 0;
      if (coins > 0) {
        const reason = r.kind === 'refund' ? PaymentReason.REFUND : PaymentReason.DISPUTE;
        ({ owed } = await this.debts.takeBackIn(tx, checkout.userId, coins, reason, `stripe-${r.id}`, r.stripeId));
        reversed += coins;
      }
      await this.repo.markReversalAppliedIn(tx, r.id, coins);
      effects.push({ kind: r.kind, cents: reversedCents() - centsBefore, currency: r.currency, owed });
    }
    if (reversed !== checkout.coinsReversed) {
      await this.repo.setCoinsReversedIn(tx, checkout.id, reversed);
    }
    return effects;
  }
}
