import { ShopService } from '../../src/shop/shop.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectLedgerConsistent, ledgerTotals } from '../support/ledger-checks';

describe('shop: WTG packages, conversion and admin grants', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, { scopes: ['admin'] });
  });
  afterAll(async () => {
    await t.close();
  });

  const grant = (body: object, auth: Record<string, string> = admin.auth) => t.http().post('/api/v1/admin/wtg/grant').set(auth).send(body);
  let orders = 0;
  /** Buys coins the way a payment system does: an admin grant with a fresh order reference. */
  const fund = async (u: TestUser, coins: number) => {
    const res = await grant({ discordId: u.discordId, coins, reference: `order-${++orders}` });
    expect(res.status).toBe(200);
  };

  describe('GET /shop', () => {
    it('lists the four WTG packages with price in cents and bonus coins, without a key', async () => {
      const res = await t.http().get('/api/v1/shop');
      expect(res.status).toBe(200);
      expect(res.body.data.gcPerWtg).toBe(1000);
      expect(res.body.data.packages.map((p: Record<string, number>) => [p.priceCents, p.coins, p.bonusCoins, p.gcValue])).toEqual([
        [499, 5, 0, 5000],
        [999, 11, 1, 11000],
        [1999, 23, 3, 23000],
        [4999, 60, 10, 60000],
      ]);
      expect(res.body.data.packages[0]).toEqual(expect.objectContaining({ id: 'wtg-5', currency: 'USD', name: expect.any(String) }));
    });
  });

  describe('POST /admin/wtg/grant', () => {
    it('needs the admin scope', async () => {
      const u = await createUser(t);
      const res = await grant({ discordId: u.discordId, coins: 5, reference: 'order-x' }, u.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /admin/));
      expect((await t.http().post('/api/v1/admin/wtg/grant').send({})).status).toBe(401);
    });

    it('validates the body and refuses an unknown Discord user', async () => {
      const bad = await grant({ discordId: 'abc', coins: 0, reference: '' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['coins', 'discordId', 'reference']);
      const unknown = await grant({ discordId: '999999999999999999', coins: 5, reference: 'order-unknown' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(errorEnvelope('USER_NOT_FOUND'));
    });

    it('credits coins once per reference; a repeat replays it and another amount is refused', async () => {
      const u = await createUser(t);
      const first = await grant({ discordId: u.discordId, coins: 11, reference: 'order-once' });
      expect(first.status).toBe(200);
      expect(first.body.data).toMatchObject({ discordId: u.discordId, coins: 11, balanceAfter: 11, reference: 'order-once', replayed: false });
      const repeat = await grant({ discordId: u.discordId, coins: 11, reference: 'order-once' });
      expect(repeat.status).toBe(200);
      expect(repeat.body.data).toMatchObject({ transactionId: first.body.data.transactionId, balanceAfter: 11, replayed: true });
      const other = await grant({ discordId: u.discordId, coins: 60, reference: 'order-once' });
      expect(other.status).toBe(422);
      expect(other.body).toEqual(errorEnvelope('IDEMPOTENCY_MISMATCH', /order-once/));
      const me = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(me.body.data.wtgCoins).toBe(11);
      await expectLedgerConsistent(t, u.userId);
    });

    it('replays the first response for the same Idempotency-Key', async () => {
      const u = await createUser(t);
      const send = () => grant({ discordId: u.discordId, coins: 5, reference: 'order-idem' }).set('Idempotency-Key', 'pay-1');
      const first = await send();
      const second = await send();
      expect(second.status).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect((await ledgerTotals(t, u.userId)).wtg).toBe(5);
    });
  });

  describe('POST /shop/convert', () => {
    const convert = (u: TestUser, body: object, key?: string) => {
      const req = t.http().post('/api/v1/shop/convert').set(u.auth);
      return (key ? req.set('Idempotency-Key', key) : req).send(body);
    };

    it('needs credits:write and a positive whole number of coins', async () => {
      const reader = await createUser(t, { scopes: ['profile:read'] });
      expect((await convert(reader, { wtg: 1 })).status).toBe(403);
      const u = await createUser(t);
      for (const body of [{}, { wtg: 0 }, { wtg: 1.5 }, { wtg: '2' }, { wtg: 2, extra: true }]) {
        const res = await convert(u, body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      }
    });

    it('converts WTG to GC at 1:1000 in one step', async () => {
      const u = await createUser(t, { credits: 250 });
      await fund(u, 5);
      const res = await convert(u, { wtg: 2 });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ wtgSpent: 2, gcReceived: 2000, wtgBalance: 3, creditsBalance: 2250 });
      const me = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(me.body.data).toMatchObject({ credits: 2250, wtgCoins: 3 });
      const wtgHistory = await t.http().get('/api/v1/shop/transactions').set(u.auth);
      expect(wtgHistory.body.data.map((r: { reason: string; amount: number }) => [r.reason, r.amount])).toEqual([
        ['wtg_conversion', -2],
        ['wtg_purchase', 5],
      ]);
      await expectLedgerConsistent(t, u.userId);
    });

    it('refuses to convert more coins than the user has with 422 INSUFFICIENT_WTG and changes nothing', async () => {
      const u = await createUser(t, { credits: 40 });
      await fund(u, 1);
      const res = await convert(u, { wtg: 2 });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errorEnvelope('INSUFFICIENT_WTG', /2 needed, 1 available/));
      expect(res.body.error.details).toEqual({ required: 2, balance: 1 });
      expect(await ledgerTotals(t, u.userId)).toEqual({ credits: 40, creditRows: 40, wtg: 1, wtgRows: 1 });
    });

    it('converts once per Idempotency-Key, also when the retries race', async () => {
      const u = await createUser(t);
      await fund(u, 10);
      const results = await Promise.all(Array.from({ length: 5 }, () => convert(u, { wtg: 3 }, 'convert-1')));
      const done = results.filter((r) => r.status === 200);
      expect(done.length).toBeGreaterThanOrEqual(1);
      expect(results.every((r) => r.status === 200 || r.body.error?.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
      const replay = await convert(u, { wtg: 3 }, 'convert-1');
      expect(replay.status).toBe(200);
      expect(replay.body.data.creditTransactionId).toBe(done[0].body.data.creditTransactionId);
      expect(await ledgerTotals(t, u.userId)).toEqual({ credits: 3000, creditRows: 3000, wtg: 7, wtgRows: 7 });
      const mismatch = await convert(u, { wtg: 4 }, 'convert-1');
      expect(mismatch.status).toBe(422);
      expect(mismatch.body).toEqual(errorEnvelope('IDEMPOTENCY_MISMATCH'));
    });

    it('keys the ledger rows too, so a transport without the HTTP idempotency layer also converts once', async () => {
      const u = await createUser(t);
      await fund(u, 4);
      const actor = { userId: u.userId, scopes: [], via: { kind: 'discord' as const } };
      const shop = t.app.get(ShopService);
      const views = await Promise.all(Array.from({ length: 4 }, () => shop.convert(actor, { wtg: 1, idempotencyKey: 'interaction-42' })));
      expect(new Set(views.map((v) => v.creditTransactionId)).size).toBe(1);
      expect(await ledgerTotals(t, u.userId)).toEqual({ credits: 1000, creditRows: 1000, wtg: 3, wtgRows: 3 });
    });

    it('never lets parallel conversions overdraw the coins', async () => {
      const u = await createUser(t);
      await fund(u, 5);
      const results = await Promise.all(Array.from({ length: 8 }, () => convert(u, { wtg: 2 })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
      expect(results.filter((r) => r.status === 422)).toHaveLength(6);
      expect(await ledgerTotals(t, u.userId)).toEqual({ credits: 4000, creditRows: 4000, wtg: 1, wtgRows: 1 });
    });
  });
});
