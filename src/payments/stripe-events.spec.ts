import type Stripe from 'stripe';
import { toPaymentEvent } from './stripe-events';

const USER = '3f1c9a5e-2b7d-4f7a-9a41-0d2b9c1e8f00';
const event = (type: string, object: Record<string, unknown>) =>
  ({ id: 'evt_1', object: 'event', type, data: { object } }) as unknown as Stripe.Event;
const session = (extra: Record<string, unknown> = {}) => ({
  id: 'cs_test_1',
  object: 'checkout.session',
  mode: 'payment',
  payment_status: 'paid',
  amount_total: 999,
  currency: 'usd',
  client_reference_id: USER,
  metadata: { agis_user_id: USER, agis_package_id: 'wtg-11', agis_coins: '11' },
  payment_intent: 'pi_1',
  ...extra,
});

describe('toPaymentEvent', () => {
  it('reads a paid session agis created: buyer, package, coins, amount and payment', () => {
    expect(toPaymentEvent(event('checkout.session.completed', session()))).toEqual({
      kind: 'checkout',
      id: 'evt_1',
      type: 'checkout.session.completed',
      session: {
        id: 'cs_test_1',
        mode: 'payment',
        paid: true,
        userId: USER,
        packageId: 'wtg-11',
        coins: 11,
        amountTotal: 999,
        currency: 'usd',
        paymentIntent: 'pi_1',
      },
    });
  });

  it('leaves out what agis did not write: no user, or coins that are not a positive whole number', () => {
    const foreign = toPaymentEvent(event('checkout.session.completed', session({ metadata: {}, client_reference_id: 'order-77' })));
    expect(foreign).toMatchObject({ session: { userId: null, packageId: null, coins: null } });
    const odd = toPaymentEvent(event('checkout.session.completed', session({ metadata: { agis_user_id: USER, agis_coins: '1.5' } })));
    expect(odd).toMatchObject({ session: { userId: USER, coins: null } });
  });

  it('reads an expanded PaymentIntent by its id, and an unpaid (delayed) completion as not paid', () => {
    const e = toPaymentEvent(event('checkout.session.completed', session({ payment_intent: { id: 'pi_9' }, payment_status: 'unpaid' })));
    expect(e).toMatchObject({ session: { paymentIntent: 'pi_9', paid: false } });
  });

  it('reads a refund as the charge with its cumulative refunded amount, and a dispute with its amount', () => {
    expect(
      toPaymentEvent(event('charge.refunded', { id: 'ch_1', payment_intent: 'pi_1', amount: 999, amount_refunded: 500, currency: 'usd' })),
    ).toMatchObject({
      kind: 'reversal',
      reversal: { kind: 'refund', stripeId: 'ch_1', paymentIntent: 'pi_1', amountCents: 500, currency: 'usd' },
    });
    expect(
      toPaymentEvent(event('charge.dispute.created', { id: 'dp_1', charge: 'ch_1', payment_intent: 'pi_1', amount: 999, currency: 'usd' })),
    ).toMatchObject({
      kind: 'reversal',
      reversal: { kind: 'dispute', stripeId: 'dp_1', paymentIntent: 'pi_1', amountCents: 999 },
    });
  });

  it('calls every other type "other"', () => {
    expect(toPaymentEvent(event('customer.created', { id: 'cus_1' }))).toEqual({ kind: 'other', id: 'evt_1', type: 'customer.created' });
  });
});
