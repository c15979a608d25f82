import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/app-config';
import { PAYMENT_EVENTS_RETENTION_DAYS, PaymentEventsJanitor } from '../../src/payments/payment-events-janitor.service';
import { ShopService } from '../../src/shop/shop.service';
import { FakeStripe } from '../fakes/fake-stripe';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectLedgerConsistent, ledgerTotals } from '../support/ledger-checks';
import { createTestApp, type TestApp } from '../support/test-app';
import { metricSum } from '../support/metric-sum';

const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const SUCCESS_URL = 'https://play.example.org/paid?session={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://play.example.org/shop';
const WEBHOOK = '/api/v1/payments/stripe/webhook';

type Json = Record<string, unknown>;

const shuffled = <T>(items: T[]): T[] =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);

describe('payments: buying WTG coins with Stripe Checkout', () => {
  let stripe: FakeStripe;
  let t: TestApp;
  beforeAll(async () => {
    stripe = await FakeStripe.start();
    t = await createTestApp({
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.apiBase,
      CHECKOUT_SUCCESS_URL: SUCCESS_URL,
      CHECKOUT_CANCEL_URL: CANCEL_URL,
    });
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const checkout = (u: TestUser, body: Json, key?: string) => {
    const req = t.http().post('/api/v1/shop/checkout').set(u.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  /** A checkout of `packageId` by `u`; the session id. */
  const open = async (u: TestUser, packageId: string): Promise<string> => {
    const res = await checkout(u, { packageId });
    expect(res.status).toBe(201);
    return res.body.data.sessionId as string;
  };
  /** Posts a delivery as Stripe does: the exact JSON bytes with their Stripe-Signature (or `header`). */
  const post = (payload: string, header?: string) => {
    const req = t.http().post(WEBHOOK).set('Content-Type', 'application/json; charset=utf-8');
    return (header === undefined ? req : req.set('Stripe-Signature', header)).send(payload);
  };
  const deliver = (event: Json, opts: { timestamp?: number; secret?: string } = {}) => {
    const { payload, header } = FakeStripe.sign(event, opts.secret ?? WEBHOOK_SECRET, { timestamp: opts.timestamp });
    return post(payload, header);
  };
  const wtgRows = (u: TestUser) =>
    t.db.query<Array<{ amount: number; reason: string; reference: string }>>(
      'SELECT amount::int AS amount, reason, reference FROM wtg_transactions WHERE user_id = $1 ORDER BY id',
      [u.userId],
    );
  const wtg = async (u: TestUser) => (await ledgerTotals(t, u.userId)).wtg;
  const scrape = async () => (await t.http().get('/metrics')).text;

  describe('POST /shop/checkout', () => {
    it('needs a key with credits:write and a package from the shop', async () => {
      expect((await t.http().post('/api/v1/shop/checkout').send({ packageId: 'wtg-5' })).status).toBe(401);
      const reader = await createUser(t, { scopes: ['profile:read'] });
      expect((await checkout(reader, { packageId: 'wtg-5' })).status).toBe(403);
      const u = await createUser(t);
      for (const body of [{}, { packageId: 'wtg-7' }, { packageId: 5 }, { packageId: 'wtg-5', coins: 500 }]) {
        const res = await checkout(u, body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      }
      expect(stripe.created).toHaveLength(0);
    });

    it("creates a Stripe Checkout Session priced from the package list, with the user in its metadata, through the SDK's form body", async () => {
      const u = await createUser(t);
      const before = Date.now();
      const res = await checkout(u, { packageId: 'wtg-11' });
      expect(res.status).toBe(201);
      const view = res.body.data;
      expect(view).toMatchObject({ packageId: 'wtg-11', coins: 11, priceCents: 999, currency: 'USD' });
      expect(view.sessionId).toMatch(/^cs_test_/);
      expect(view.url).toBe(stripe.sessions.get(view.sessionId)?.url);
      expect(new Date(view.expiresAt).getTime()).toBeGreaterThan(before + 23 * 3_600_000);

      const request = stripe.created.at(-1)!;
      expect(request.headers.authorization).toBe(`Bearer ${stripe.secretKey}`);
      // Nested keys exactly as the SDK form-encodes them (brackets left readable).
      expect(request.body).toContain('line_items[0][price_data][unit_amount]=999');
      expect(request.params).toMatchObject({
        mode: 'payment',
        line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '999', product_data: { name: '11 WTG (10 + 1 bonus)' } } }],
        client_reference_id: u.userId,
        metadata: { agis_user_id: u.userId, agis_package_id: 'wtg-11', agis_coins: '11' },
        payment_intent_data: { metadata: { agis_user_id: u.userId, agis_package_id: 'wtg-11' } },
        success_url: SUCCESS_URL,
        cancel_url: CANCEL_URL,
      });
      const rows = await t.db.query('SELECT status, coins, amount_cents, currency FROM payment_checkouts WHERE id = $1', [view.sessionId]);
      expect(rows).toEqual([{ status: 'open', coins: 11, amount_cents: 999, currency: 'usd' }]);
      // Opening a checkout moves no money.
      expect(await wtgRows(u)).toEqual([]);
    });

    it('returns the same session for the same Idempotency-Key, and Stripe sees one create', async () => {
      const u = await createUser(t);
      const creates = stripe.created.length;
      const first = await checkout(u, { packageId: 'wtg-5' }, 'buy-1');
      const again = await checkout(u, { packageId: 'wtg-5' }, 'buy-1');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.data.sessionId).toBe(first.body.data.sessionId);
      const other = await checkout(u, { packageId: 'wtg-5' }, 'buy-2');
      expect(other.body.data.sessionId).not.toBe(first.body.data.sessionId);
      expect(stripe.created.length - creates).toBe(2);
    });

    it('sends Stripe the retry key, so a transport without the HTTP idempotency layer (Discord) also gets one session', async () => {
      const u = await createUser(t);
      const actor = { userId: u.userId, scopes: [], via: { kind: 'discord' as const } };
      const shop = t.app.get(ShopService);
      const creates = stripe.created.length;
      const views = await Promise.all([1, 2].map(() => shop.checkout(actor, { packageId: 'wtg-23', idempotencyKey: 'discord:interaction-7' })));
      expect(views[1].sessionId).toBe(views[0].sessionId);
      expect(stripe.created.length - creates).toBe(1);
      const keys = new Set(stripe.created.slice(creates).map((r) => r.headers['idempotency-key']));
      expect([...keys]).toEqual([expect.stringMatching(/^agis-checkout:/)]);
      expect(await t.db.query('SELECT count(*)::int AS n FROM payment_checkouts WHERE user_id = $1', [u.userId])).toEqual([{ n: 1 }]);
    });

    it('answers 502 when Stripe cannot be reached, and records nothing as paid', async () => {
      const u = await createUser(t);
      stripe.down = true;
      try {
        const res = await checkout(u, { packageId: 'wtg-5' });
        expect(res.status).toBe(502);
        expect(res.body).toEqual(errorEnvelope('UPSTREAM_FAILED', /Stripe could not start the checkout, and nothing was charged/));
      } finally {
        stripe.down = false;
      }
      expect(await t.db.query('SELECT id FROM payment_checkouts WHERE user_id = $1', [u.userId])).toEqual([]);
      expect(await wtgRows(u)).toEqual([]);
      expect(metricSum(await scrape(), 'agis_checkout_sessions_total', { result: 'failed' })).toBeGreaterThanOrEqual(1);
    });
  });

  describe('POST /payments/stripe/webhook', () => {
    it('grants a paid session once, even when its event arrives 5 times at once, re-signed and out of order', async () => {
      const u = await createUser(t);
      const session = await open(u, 'wtg-11');
      const metricsBefore = await scrape();
      const completed = stripe.completeSession(session);
      // Stripe signs every delivery afresh: five copies with five timestamps, sent in random order, all at once.
      const stamp = Math.floor(Date.now() / 1000);
      const copies = shuffled([0, 1, 2, 3, 4].map((i) => FakeStripe.sign(completed, WEBHOOK_SECRET, { timestamp: stamp - i })));
      const results = await Promise.all(copies.map((c) => post(c.payload, c.header)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results.map((r) => r.body.data.outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'granted']);

      // The same session through its other success event, and a late redelivery: nothing more.
      expect((await deliver(stripe.asyncPaymentSucceeded(session))).body.data.outcome).toBe('duplicate');
      expect((await deliver(completed)).body.data.outcome).toBe('duplicate');

      expect(await wtgRows(u)).toEqual([{ amount: 11, reason: 'wtg_purchase', reference: session }]);
      expect(await wtg(u)).toBe(11);
      await expectLedgerConsistent(t, u.userId);
      const [row] = await t.db.query('SELECT status, payment_intent FROM payment_checkouts WHERE id = $1', [session]);
      expect(row).toEqual({ status: 'paid', payment_intent: stripe.sessions.get(session)?.payment_intent });
      const me = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(me.body.data.wtgCoins).toBe(11);

      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) => metricSum(after, name, labels) - metricSum(metricsBefore, name, labels);
      expect(delta('agis_wtg_purchases_total', { package: 'wtg-11' })).toBe(1);
      expect(delta('agis_payments_amount_cents_total', { package: 'wtg-11', currency: 'usd' })).toBe(999);
    });

    it('does not grant a session that completed unpaid until its delayed payment succeeds', async () => {
      const u = await createUser(t);
      const session = await open(u, 'wtg-5');
      expect((await deliver(stripe.completeSession(session, { paymentStatus: 'unpaid' }))).body.data.outcome).toBe('pending');
      expect(await wtg(u)).toBe(0);
      expect((await deliver(stripe.asyncPaymentSucceeded(session))).body.data.outcome).toBe('granted');
      expect(await wtg(u)).toBe(5);
      await expectLedgerConsistent(t, u.userId);
    });

    it('takes a refund back: the refunded share of the coins, then the rest, each once', async () => {
      const u = await createUser(t);
      const session = await open(u, 'wtg-11');
      await deliver(stripe.completeSession(session));
      const charge = stripe.sessions.get(session)!.charge!.id;

      // 5.00 of 9.99 refunded: 11 x 500 / 999 = 5.5 coins, rounded up.
      const partial = stripe.refund(session, 500);
      expect((await deliver(partial)).body.data.outcome).toBe('reversed');
      expect(await wtg(u)).toBe(5);
      expect((await deliver(partial)).body.data.outcome).toBe('duplicate');
      expect(await wtg(u)).toBe(5);

      // The rest: amount_refunded is now 999 (cumulative), so the last 5 coins go.
      expect((await deliver(stripe.refund(session))).body.data.outcome).toBe('reversed');
      expect(await wtg(u)).toBe(0);
      expect(await wtgRows(u)).toEqual([
        { amount: 11, reason: 'wtg_purchase', reference: session },
        { amount: -6, reason: 'wtg_refund', reference: charge },
        { amount: -5, reason: 'wtg_refund', reference: charge },
      ]);
      await expectLedgerConsistent(t, u.userId);
      expect(await t.db.query('SELECT id FROM payment_debts WHERE user_id = $1', [u.userId])).toEqual([]);
    });

    it('applies a refund that arrives before its payment as soon as the payment does', async () => {
      const u = await createUser(t);
      const session = await open(u, 'wtg-5');
      const completed = stripe.completeSession(session);
      const refunded = stripe.refund(session);
      expect((await deliver(refunded)).body.data.outcome).toBe('pending');
      expect(await wtgRows(u)).toEqual([]);
      expect((await deliver(completed)).body.data.outcome).toBe('granted');
      expect(await wtgRows(u)).toEqual([
        { amount: 5, reason: 'wtg_purchase', reference: session },
        { amount: -5, reason: 'wtg_refund', reference: stripe.sessions.get(session)!.charge!.id },
      ]);
      expect(await wtg(u)).toBe(0);
      await expectLedgerConsistent(t, u.userId);
    });

    it('ends every payment refunded when its completion and its refund arrive at the same moment', async () => {
      const u = await createUser(t);
      const sessions = await Promise.all([1, 2, 3, 4, 5].map(() => open(u, 'wtg-5')));
      const results = await Promise.all(
        sessions.flatMap((s) => {
          const completed = stripe.completeSession(s);
          return shuffled([completed, stripe.refund(s)]).map((e) => deliver(e));
        }),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const rows = await wtgRows(u);
      expect(rows.filter((r) => r.reason === 'wtg_purchase')).toHaveLength(5);
      expect(rows.filter((r) => r.reason === 'wtg_refund').map((r) => r.amount)).toEqual([-5, -5, -5, -5, -5]);
      expect(await wtg(u)).toBe(0);
      await expectLedgerConsistent(t, u.userId);
    });

    it('takes disputed coins back; what was spent already becomes a debt that blocks purchases until a payment covers it', async () => {
      const u = await createUser(t);
      const disputed = await open(u, 'wtg-11');
      // Opened before the dispute, paid after it: its coins settle the debt first.
      const later = await open(u, 'wtg-23');
      await deliver(stripe.completeSession(disputed));
      expect((await t.http().post('/api/v1/shop/convert').set(u.auth).send({ wtg: 8 })).status).toBe(200);
      expect(await wtg(u)).toBe(3);

      const dispute = stripe.dispute(disputed);
      const disputeId = (dispute.data as { object: { id: string } }).object.id;
      const debtBefore = metricSum(await scrape(), 'agis_wtg_debt_coins_total');
      expect((await deliver(dispute)).body.data.outcome).toBe('reversed');
      // Never below zero: the 3 coins left are taken, the 8 converted ones are owed.
      expect(await wtg(u)).toBe(0);
      expect((await wtgRows(u)).at(-1)).toEqual({ amount: -3, reason: 'wtg_dispute', reference: disputeId });
      expect(await t.db.query('SELECT reference, coins, outstanding FROM payment_debts WHERE user_id = $1', [u.userId])).toEqual([
        { reference: disputeId, coins: 8, outstanding: 8 },
      ]);
      expect(metricSum(await scrape(), 'agis_wtg_debt_coins_total') - debtBefore).toBe(8);
      await expectLedgerConsistent(t, u.userId);

      const blocked = await checkout(u, { packageId: 'wtg-5' });
      expect(blocked.status).toBe(409);
      expect(blocked.body).toEqual(errorEnvelope('CONFLICT', /You owe 8 WTG coins from a refunded or disputed payment/));
      expect(blocked.body.error.details).toEqual({ owedWtg: 8 });

      expect((await deliver(stripe.completeSession(later))).body.data.outcome).toBe('granted');
      expect(await wtg(u)).toBe(23 - 8);
      expect((await wtgRows(u)).slice(-2)).toEqual([
        { amount: 23, reason: 'wtg_purchase', reference: later },
        { amount: -8, reason: 'wtg_debt_repayment', reference: disputeId },
      ]);
      const [debt] = await t.db.query('SELECT outstanding, settled_at IS NOT NULL AS settled FROM payment_debts WHERE user_id = $1', [u.userId]);
      expect(debt).toEqual({ outstanding: 0, settled: true });
      await expectLedgerConsistent(t, u.userId);
      expect((await checkout(u, { packageId: 'wtg-5' })).status).toBe(201);
    });

    it('refuses a missing, malformed, stale, tampered or foreign signature with 400, counted, and grants nothing', async () => {
      const u = await createUser(t);
      const session = await open(u, 'wtg-5');
      const completed = stripe.completeSession(session);
      const { payload, header } = FakeStripe.sign(completed, WEBHOOK_SECRET);
      const tampered = payload.replace(`"${u.userId}"`, '"00000000-0000-4000-8000-000000000000"');
      expect(tampered).not.toBe(payload);
      const before = await scrape();

      const attempts = [
        { reason: 'missing', res: await post(payload) },
        { reason: 'malformed', res: await post(payload, 'not-a-signature') },
        { reason: 'stale', res: await deliver(completed, { timestamp: Math.floor(Date.now() / 1000) - 600 }) },
        { reason: 'mismatch', res: await post(tampered, header) },
        { reason: 'mismatch', res: await deliver(completed, { secret: `whsec_${randomBytes(24).toString('hex')}` }) },
        // Signed with our secret, but not an Event object: no id, no type.
        { reason: 'malformed', res: await deliver({}) },
        // Not JSON and not Stripe's content type: still judged by its signature, never a parse error.
        { reason: 'mismatch', res: await t.http().post(WEBHOOK).set('Content-Type', 'text/plain').set('Stripe-Signature', header).send('garbled') },
      ];
      for (const { res } of attempts) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /^Invalid Stripe-Signature/));
      }
      expect(attempts[2].res.body.error.message).toMatch(/tolerance/);
      expect(await wtgRows(u)).toEqual([]);
      const after = await scrape();
      for (const reason of ['missing', 'malformed', 'stale', 'mismatch']) {
        const expected = attempts.filter((a) => a.reason === reason).length;
        const name = 'agis_stripe_webhook_signature_failures_total';
        expect({ reason, counted: metricSum(after, name, { reason }) - metricSum(before, name, { reason }) }).toEqual({ reason, counted: expected });
      }
      // The refused deliveries burned nothing: the genuine one still grants.
      expect((await post(payload, header)).body.data.outcome).toBe('granted');
      expect(await wtg(u)).toBe(5);
    });

    it('answers 200 to event types it does not handle and to sessions agis did not create, changing nothing', async () => {
      const other = await deliver(stripe.event('customer.created', { id: 'cus_123', object: 'customer' }));
      expect(other.status).toBe(200);
      expect(other.body.data).toMatchObject({ type: 'customer.created', outcome: 'ignored' });
      const foreign = stripe.event('checkout.session.completed', {
        id: 'cs_test_not_ours',
        object: 'checkout.session',
        mode: 'payment',
        payment_status: 'paid',
        amount_total: 2500,
        currency: 'usd',
        metadata: {},
        client_reference_id: null,
        payment_intent: 'pi_not_ours',
      });
      expect((await deliver(foreign)).body.data.outcome).toBe('ignored');
      expect(await t.db.query(`SELECT id FROM payment_checkouts WHERE id = 'cs_test_not_ours'`)).toEqual([]);
    });

    it('forgets handled events after the retention window, and a late redelivery of a paid session still grants nothing', async () => {
      const u = await createUser(t);
      const completed = stripe.completeSession(await open(u, 'wtg-5'));
      const eventId = (completed as { id: string }).id;
      expect((await deliver(completed)).body.data.outcome).toBe('granted');
      const janitor = t.app.get(PaymentEventsJanitor);
      expect(await janitor.purge()).toBe(0);
      const later = new Date(Date.now() + (PAYMENT_EVENTS_RETENTION_DAYS + 1) * 86_400_000);
      expect(await janitor.purge(later)).toBeGreaterThanOrEqual(1);
      expect(await t.db.query('SELECT id FROM payment_events WHERE id = $1', [eventId])).toEqual([]);
      // The session's own ledger key still holds: the redelivered event is handled again and grants nothing more.
      await deliver(completed);
      expect(await wtg(u)).toBe(5);
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('with a key Stripe does not accept', () => {
    let wrong: TestApp;
    beforeAll(async () => {
      wrong = await createTestApp({
        STRIPE_SECRET_KEY: 'sk_test_notthekeythefakeknows',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE: stripe.apiBase,
      });
    });
    afterAll(async () => {
      await wrong?.close();
    });

    it('answers 502 (Stripe said 401) and records nothing', async () => {
      const u = await createUser(wrong);
      const res = await wrong.http().post('/api/v1/shop/checkout').set(u.auth).send({ packageId: 'wtg-5' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual(errorEnvelope('UPSTREAM_FAILED'));
      expect(JSON.stringify(res.body)).not.toContain('sk_test_');
      expect(await wrong.db.query('SELECT id FROM payment_checkouts')).toEqual([]);
    });
  });
});

describe('payments: checkout off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 404 with a clear message until STRIPE_SECRET_KEY is set, and the webhook is off too', async () => {
    const u = await createUser(t);
    const res = await t.http().post('/api/v1/shop/checkout').set(u.auth).send({ packageId: 'wtg-5' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope('NOT_FOUND', /Buying WTG coins is not enabled on this server.*STRIPE_SECRET_KEY/));
    const hook = await t.http().post(WEBHOOK).set('Content-Type', 'application/json').send('{}');
    expect(hook.status).toBe(404);
    expect(hook.body).toEqual(errorEnvelope('NOT_FOUND', /STRIPE_WEBHOOK_SECRET/));
  });

  it('refuses to boot with a secret key but no webhook secret, whose payments could never grant coins; trims pasted keys', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc123' })).toThrow(
      /STRIPE_WEBHOOK_SECRET=undefined: required when STRIPE_SECRET_KEY is set/,
    );
    // Pasted from a file or the dashboard with a trailing newline, they still work.
    const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc123\n', STRIPE_WEBHOOK_SECRET: ' whsec_abc123\n' });
    expect([config.STRIPE_SECRET_KEY, config.STRIPE_WEBHOOK_SECRET]).toEqual(['sk_test_abc123', 'whsec_abc123']);
  });
});
