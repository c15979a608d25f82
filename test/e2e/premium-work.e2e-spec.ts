import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { USER_SCOPES } from '../../src/auth/scopes';
import { Clock } from '../../src/common/values/clock';
import { MembersService } from '../../src/credits/members.service';
import { UsersService } from '../../src/users/users.service';
import { createUser, errorEnvelope, snowflake, type TestUser } from '../support/factories';
import { expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { createTestApp, type TestApp } from '../support/test-app';

const MONTH_PRICE = 3;

describe('premium, work and starter credits', () => {
  let t: TestApp;
  let clock: Clock;
  beforeAll(async () => {
    // A price other than the default, so the setting is what the tests see; work keeps its defaults (15 GC, 60 min).
    t = await createTestApp({ PREMIUM_PRICE_WTG_PER_MONTH: String(MONTH_PRICE) });
    clock = t.app.get(Clock);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Moves the service's clock (premium expiry, cooldowns) to `at`. */
  const setNow = (at: Date) => jest.spyOn(clock, 'now').mockReturnValue(at);
  const at = (d: Date, ms: number) => new Date(d.getTime() + ms);
  const MINUTE = 60_000;
  const DAY = 24 * 60 * MINUTE;
  /** `from` plus calendar months, as PostgreSQL adds them (the service does it in SQL). */
  const plusMonths = async (from: Date | string, months: number): Promise<string> =>
    ((await t.db.query(`SELECT ($1::timestamptz + make_interval(months => $2)) AS d`, [from, months]))[0].d as Date).toISOString();

  const buy = (u: TestUser, body: unknown, key?: string) => {
    const req = t.http().post('/api/v1/users/me/premium').set(u.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body as object);
  };
  const work = (u: TestUser) => t.http().post('/api/v1/users/me/work').set(u.auth);
  const daily = (u: TestUser) => t.http().post('/api/v1/users/me/daily').set(u.auth);
  const profile = async (u: TestUser) => (await t.http().get('/api/v1/users/me').set(u.auth)).body.data;
  const wtgRows = (u: TestUser) =>
    t.db.query(`SELECT amount::int, reason, reference FROM wtg_transactions WHERE user_id = $1 AND reason = 'premium_purchase' ORDER BY id`, [
      u.userId,
    ]);

  describe('POST /users/me/premium', () => {
    it('needs a key with credits:write', async () => {
      expect((await t.http().post('/api/v1/users/me/premium').send({ months: 1 })).status).toBe(401);
      const reader = await createUser(t, { scopes: ['profile:read'], wtgCoins: 10 });
      const res = await buy(reader, { months: 1 });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /credits:write/));
    });

    it('refuses months outside 1-12, fractions, strings and a missing field with 400, and takes nothing', async () => {
      const u = await createUser(t, { wtgCoins: 100 });
      for (const body of [{ months: 0 }, { months: 13 }, { months: 1.5 }, { months: '2' }, { months: null }, {}, { months: 1, tier: 'premium' }]) {
        const res = await buy(u, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      }
      expect(await profile(u)).toMatchObject({ tier: 'free', premiumUntil: null, wtgCoins: 100 });
      expect(await wtgRows(u)).toEqual([]);
    });

    it('refuses with 422 INSUFFICIENT_WTG when the coins do not cover the months, and changes nothing', async () => {
      const u = await createUser(t, { wtgCoins: 5 });
      const res = await buy(u, { months: 2 });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errorEnvelope('INSUFFICIENT_WTG', 'Not enough WTG coins: 6 needed, 5 available'));
      expect(await profile(u)).toMatchObject({ tier: 'free', premiumUntil: null, wtgCoins: 5 });
      expect(await wtgRows(u)).toEqual([]);
      await expectLedgerConsistent(t, u.userId);
    });

    it('sells months at the configured price, and GET /users/me shows tier and premiumUntil', async () => {
      const u = await createUser(t, { wtgCoins: 10 });
      const now = new Date();
      setNow(now);
      const res = await buy(u, { months: 1 });
      expect(res.status).toBe(200);
      const until = await plusMonths(now, 1);
      expect(res.body.data).toEqual({ months: 1, wtgSpent: MONTH_PRICE, wtgBalance: 10 - MONTH_PRICE, tier: 'premium', premiumUntil: until });
      expect(await profile(u)).toMatchObject({ tier: 'premium', premiumUntil: until, wtgCoins: 10 - MONTH_PRICE });
      expect(await wtgRows(u)).toEqual([{ amount: -MONTH_PRICE, reason: 'premium_purchase', reference: 'months:1' }]);
      const status = await t.http().get('/api/v1/users/me/premium').set(u.auth);
      expect(status.body.data).toEqual({ tier: 'premium', premiumUntil: until, pricePerMonthWtg: MONTH_PRICE, monthsMax: 12, rewardMultiplier: 2 });
      await expectLedgerConsistent(t, u.userId);
    });

    it('extends a running premium from its end, not from now', async () => {
      const u = await createUser(t, { wtgCoins: 20 });
      const now = new Date();
      setNow(now);
      const first = (await buy(u, { months: 1 })).body.data.premiumUntil as string;
      // Ten days later, well before the end: two more months are added to the end it had.
      setNow(at(now, 10 * DAY));
      const renewed = await buy(u, { months: 2 });
      expect(renewed.status).toBe(200);
      expect(renewed.body.data).toMatchObject({
        wtgSpent: 2 * MONTH_PRICE,
        wtgBalance: 20 - 3 * MONTH_PRICE,
        premiumUntil: await plusMonths(first, 2),
      });
      expect((await profile(u)).premiumUntil).toBe(await plusMonths(first, 2));
      await expectLedgerConsistent(t, u.userId);
    });

    it('starts afresh from now when the premium already ended', async () => {
      const u = await createUser(t, { wtgCoins: 20 });
      const now = new Date();
      setNow(now);
      const first = (await buy(u, { months: 1 })).body.data.premiumUntil as string;
      const later = at(new Date(first), 5 * DAY);
      setNow(later);
      const again = await buy(u, { months: 1 });
      expect(again.body.data.premiumUntil).toBe(await plusMonths(later, 1));
    });

    it('buys once for a retried Idempotency-Key', async () => {
      const u = await createUser(t, { wtgCoins: 10 });
      const [a, b] = [await buy(u, { months: 2 }, 'premium-retry-1'), await buy(u, { months: 2 }, 'premium-retry-1')];
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.body.data).toEqual(a.body.data);
      expect(await wtgRows(u)).toHaveLength(1);
      expect(await profile(u)).toMatchObject({ wtgCoins: 10 - 2 * MONTH_PRICE, premiumUntil: a.body.data.premiumUntil });
    });

    it('adds up every purchase when several arrive at once, each paid once', async () => {
      const u = await createUser(t, { wtgCoins: 5 * MONTH_PRICE });
      const now = new Date();
      setNow(now);
      const results = await Promise.all(Array.from({ length: 8 }, () => buy(u, { months: 1 })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      expect(results.filter((r) => r.status === 422)).toHaveLength(3);
      // Each purchase adds a month to the end the one before it left (month by month, as calendar months do not add up evenly).
      let end = now.toISOString();
      for (let i = 0; i < 5; i++) {
        end = await plusMonths(end, 1);
      }
      expect(await profile(u)).toMatchObject({ tier: 'premium', wtgCoins: 0, premiumUntil: end });
      expect(await wtgRows(u)).toHaveLength(5);
      await expectLedgerConsistent(t, u.userId);
    });

    it('refuses to sell premium that has no end date (set by an operator), without taking coins', async () => {
      const u = await createUser(t, { tier: 'premium', wtgCoins: 10 });
      const res = await buy(u, { months: 1 });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(errorEnvelope('CONFLICT', 'Your premium has no end date, so there is nothing to buy'));
      expect(await profile(u)).toMatchObject({ tier: 'premium', premiumUntil: null, wtgCoins: 10 });
      expect(await wtgRows(u)).toEqual([]);
    });
  });

  describe('premium expiry', () => {
    it('reads as free once the end passes, with nobody acting: the profile says free and daily and work pay the free amounts', async () => {
      const u = await createUser(t, { wtgCoins: MONTH_PRICE });
      const now = new Date();
      setNow(now);
      const until = (await buy(u, { months: 1 })).body.data.premiumUntil as string;
      expect((await work(u)).body.data.amount).toBe(30);
      expect((await daily(u)).body.data.amount).toBe(100);

      setNow(at(new Date(until), -MINUTE));
      expect(await profile(u)).toMatchObject({ tier: 'premium', premiumUntil: until });

      setNow(at(new Date(until), 1000));
      expect(await profile(u)).toMatchObject({ tier: 'free', premiumUntil: until });
      expect((await t.http().get('/api/v1/users/me/premium').set(u.auth)).body.data).toMatchObject({ tier: 'free', premiumUntil: until });
      // The row still says premium: nothing flipped it, the tier in force is read from the end date.
      expect((await t.db.query('SELECT tier FROM users WHERE id = $1', [u.userId]))[0].tier).toBe('premium');
      const bonus = await daily(u);
      expect(bonus.status).toBe(200);
      expect(bonus.body.data).toMatchObject({ amount: 50, balance: 30 + 100 + 50 });
      expect((await work(u)).body.data).toMatchObject({ amount: 15, balance: 30 + 100 + 50 + 15 });
      await expectCredits(t, u.userId, 195);
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('POST /users/me/work', () => {
    it('needs a key with credits:write', async () => {
      expect((await t.http().post('/api/v1/users/me/work')).status).toBe(401);
      const reader = await createUser(t, { scopes: ['profile:read'] });
      const res = await work(reader);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /credits:write/));
    });

    it('pays 15 GC, then refuses with 409 saying when the next shift pays', async () => {
      const u = await createUser(t, { credits: 10 });
      const first = await work(u);
      expect(first.status).toBe(200);
      expect(first.body.data).toEqual({ amount: 15, balance: 25, claimedAt: expect.any(String), nextClaimAt: expect.any(String) });
      expect(Date.parse(first.body.data.nextClaimAt) - Date.parse(first.body.data.claimedAt)).toBe(60 * MINUTE);

      const second = await work(u);
      expect(second.status).toBe(409);
      expect(second.body).toEqual(errorEnvelope('ALREADY_CLAIMED', /^You already worked this shift; you can work again in (59 min|1 h 0 min)$/));
      expect(second.body.error.details).toEqual({ retryAfterSeconds: expect.any(Number), nextClaimAt: first.body.data.nextClaimAt });
      expect(second.body.error.details.retryAfterSeconds).toBeGreaterThan(59 * 60);
      expect(second.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(60 * 60);
      const rows = await t.db.query(`SELECT amount::int FROM credit_transactions WHERE user_id = $1 AND reason = 'work'`, [u.userId]);
      expect(rows).toEqual([{ amount: 15 }]);
      await expectCredits(t, u.userId, 25);
    });

    it('opens again exactly WORK_COOLDOWN_MINUTES after the last shift', async () => {
      const u = await createUser(t);
      const start = new Date();
      setNow(start);
      expect((await work(u)).status).toBe(200);
      setNow(at(start, 59 * MINUTE + 30_000));
      const early = await work(u);
      expect(early.status).toBe(409);
      expect(early.body.error.details.retryAfterSeconds).toBe(30);
      expect(early.body.error.message).toBe('You already worked this shift; you can work again in 30 s');
      setNow(at(start, 60 * MINUTE));
      const again = await work(u);
      expect(again.status).toBe(200);
      expect(again.body.data.balance).toBe(30);
      await expectLedgerConsistent(t, u.userId);
    });

    it('pays premium users twice as much', async () => {
      const u = await createUser(t, { tier: 'premium' });
      expect((await work(u)).body.data).toMatchObject({ amount: 30, balance: 30 });
    });

    it('pays exactly once under 20 concurrent claims', async () => {
      const u = await createUser(t);
      const results = await Promise.all(Array.from({ length: 20 }, () => work(u)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(19);
      expect(await t.db.query(`SELECT amount::int FROM credit_transactions WHERE user_id = $1 AND reason = 'work'`, [u.userId])).toEqual([
        { amount: 15 },
      ]);
      await expectCredits(t, u.userId, 15);
    });

    it('pays the daily bonus exactly once under 20 concurrent claims of a premium user, at the premium amount', async () => {
      const u = await createUser(t, { wtgCoins: MONTH_PRICE });
      expect((await buy(u, { months: 1 })).status).toBe(200);
      const results = await Promise.all(Array.from({ length: 20 }, () => daily(u)));
      expect(results.filter((r) => r.status === 200).map((r) => r.body.data.amount)).toEqual([100]);
      expect(results.filter((r) => r.status === 409)).toHaveLength(19);
      await expectCredits(t, u.userId, 100);
    });
  });

  describe('starter credits', () => {
    it('are off in this app (STARTER_CREDITS=0): a new user has no ledger rows', async () => {
      const u = await createUser(t);
      await expectCredits(t, u.userId, 0);
      expect(await t.db.query('SELECT 1 FROM credit_transactions WHERE user_id = $1', [u.userId])).toEqual([]);
    });

    describe('with STARTER_CREDITS=100', () => {
      let s: TestApp;
      beforeAll(async () => {
        s = await createTestApp({ STARTER_CREDITS: '100' });
      });
      afterAll(async () => {
        await s.close();
      });
      const starterRows = (userId: string) =>
        s.db.query(`SELECT amount::int, idempotency_key FROM credit_transactions WHERE user_id = $1 AND reason = 'starter_credits'`, [userId]);
      const userOf = async (discordId: string) => (await s.db.query('SELECT id FROM users WHERE discord_id = $1', [discordId]))[0].id as string;

      it('gives the first key minted for a new Discord id 100 GC, once, as one ledger row', async () => {
        const discordId = snowflake();
        const keys = s.app.get(ApiKeysService);
        const minted = await keys.mintForDiscordUser(discordId, 'newcomer', [...USER_SCOPES], 'first');
        const me = await s.http().get('/api/v1/users/me').set('Authorization', `Bearer ${minted.key}`);
        expect(me.body.data).toMatchObject({ credits: 100, tier: 'free', premiumUntil: null });
        const userId = await userOf(discordId);
        expect(await starterRows(userId)).toEqual([{ amount: 100, idempotency_key: `starter:${userId}` }]);

        // A second key, and a rename, find the user: no second grant.
        await keys.mintForDiscordUser(discordId, 'renamed', [...USER_SCOPES], 'second');
        await s.app.get(MembersService).ensureMember(discordId, 'renamed again');
        expect(await starterRows(userId)).toHaveLength(1);
        await expectCredits(s, userId, 100);
      });

      it('gives nothing to a user who existed already (say, from before starter credits were turned on)', async () => {
        const discordId = snowflake();
        const { user } = await s.app.get(UsersService).ensureUser(discordId, 'veteran');
        await s.app.get(ApiKeysService).mintForDiscordUser(discordId, 'veteran', [...USER_SCOPES], 'later');
        await s.app.get(MembersService).ensureMember(discordId, 'veteran');
        expect(await starterRows(user.id)).toEqual([]);
        await expectCredits(s, user.id, 0);
      });

      it('grants once when the first contacts of a new user arrive together', async () => {
        const discordId = snowflake();
        const members = s.app.get(MembersService);
        const seen = await Promise.all(Array.from({ length: 10 }, (_, i) => members.ensureMember(discordId, i % 2 ? 'racer' : 'racer2')));
        const userId = await userOf(discordId);
        expect(new Set(seen.map((u) => u.id))).toEqual(new Set([userId]));
        expect(await starterRows(userId)).toHaveLength(1);
        await expectCredits(s, userId, 100);
      });
    });
  });
});
