import { GiftsService } from '../../src/credits/gifts.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, snowflake, type TestUser } from '../support/factories';
import { balanceOf, expectCredits, expectLedgerConsistent } from '../support/ledger-checks';

const DAILY_LIMIT = 1000;

describe('POST /credits/gifts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ GIFT_DAILY_LIMIT_GC: String(DAILY_LIMIT) });
  });
  afterAll(async () => {
    await t.close();
  });

  const gift = (from: TestUser, body: object, key?: string) => {
    const req = t.http().post('/api/v1/credits/gifts').set(from.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const rowsOf = (u: TestUser) =>
    t.db.query(
      `SELECT amount::int, balance_after::int, reason, reference, idempotency_key FROM credit_transactions
       WHERE user_id = $1 AND reason LIKE 'gift_%' ORDER BY id`,
      [u.userId],
    );
  const giftEvents = (u: TestUser) =>
    t.db.query(`SELECT payload, dm_status FROM user_events WHERE user_id = $1 AND event = 'credits.gift_received' ORDER BY id`, [u.userId]);
  /** Nothing moved: the balances are as given and the ledgers still add up to them. */
  const expectUnchanged = async (balances: Array<[TestUser, number]>) => {
    for (const [u, credits] of balances) {
      await expectCredits(t, u.userId, credits);
    }
  };

  describe('auth and validation', () => {
    it('needs a key with credits:write', async () => {
      expect((await t.http().post('/api/v1/credits/gifts').send({ toDiscordId: snowflake(), amount: 1 })).status).toBe(401);
      const reader = await createUser(t, { scopes: ['profile:read'], credits: 100 });
      const to = await createUser(t);
      const res = await gift(reader, { toDiscordId: to.discordId, amount: 1 });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /credits:write/));
      await expectUnchanged([
        [reader, 100],
        [to, 0],
      ]);
    });

    it.each([
      ['a zero amount', { amount: 0 }, /amount must not be less than 1/],
      ['a negative amount', { amount: -50 }, /amount must not be less than 1/],
      ['a fraction', { amount: 1.5 }, /amount must be an integer/],
      ['an amount as text', { amount: '10' }, /amount must be an integer/],
      ['a receiver that is not a snowflake', { toDiscordId: '<@123>' }, /toDiscordId must be a Discord snowflake/],
      ['a note over 200 characters', { note: 'x'.repeat(201) }, /note must be shorter than or equal to 200 characters/],
    ])('refuses %s with 400 and moves nothing', async (_what, change, message) => {
      const from = await createUser(t, { credits: 100 });
      const to = await createUser(t);
      const res = await gift(from, { toDiscordId: to.discordId, amount: 10, ...change });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', message));
      await expectUnchanged([
        [from, 100],
        [to, 0],
      ]);
    });

    it('refuses a gift to yourself with 400', async () => {
      const from = await createUser(t, { credits: 100 });
      const res = await gift(from, { toDiscordId: from.discordId, amount: 10 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', 'You cannot send a gift to yourself'));
      await expectUnchanged([[from, 100]]);
      expect(await rowsOf(from)).toEqual([]);
    });

    it('refuses a receiver agis does not know with 404', async () => {
      const from = await createUser(t, { credits: 100 });
      const stranger = snowflake();
      const res = await gift(from, { toDiscordId: stranger, amount: 10 });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(
        errorEnvelope('USER_NOT_FOUND', `No agis user has Discord id ${stranger}: they need to use the bot once before they can receive gifts`),
      );
      await expectUnchanged([[from, 100]]);
      expect(await t.db.query('SELECT 1 FROM users WHERE discord_id = $1', [stranger])).toEqual([]);
    });

    it('refuses more than the balance with 422 INSUFFICIENT_CREDITS; nothing moves and nobody is told', async () => {
      const from = await createUser(t, { credits: 40 });
      const to = await createUser(t, { credits: 5 });
      const res = await gift(from, { toDiscordId: to.discordId, amount: 41 });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS', 'Not enough GameCredits: 41 GC needed, 40 GC available'));
      await expectUnchanged([
        [from, 40],
        [to, 5],
      ]);
      expect(await giftEvents(to)).toEqual([]);
    });
  });

  describe('a gift', () => {
    it("moves the GC in two ledger rows, answers the sender's balance and day, and records the receiver's direct message", async () => {
      const from = await createUser(t, { credits: 500, username: 'alice' });
      const to = await createUser(t, { credits: 20, username: 'bob' });
      const res = await gift(from, { toDiscordId: to.discordId, amount: 200, note: '  gg,\nthanks for the carry  ' });
      expect(res.status).toBe(200);
      const view = res.body.data;
      expect(view).toEqual({
        giftId: expect.stringMatching(/^[0-9a-f]{32}$/),
        toDiscordId: to.discordId,
        toUsername: 'bob',
        amount: 200,
        note: 'gg, thanks for the carry',
        balance: 300,
        sentToday: 200,
        dailyLimit: DAILY_LIMIT,
        remainingToday: DAILY_LIMIT - 200,
        resetsAt: expect.any(String),
        createdAt: expect.any(String),
      });
      // The limit starts over at the next 00:00 UTC.
      const resetsAt = new Date(view.resetsAt);
      expect(resetsAt.getTime()).toBeGreaterThan(Date.now());
      expect(resetsAt.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
      expect(resetsAt.toISOString()).toMatch(/T00:00:00\.000Z$/);

      expect(await rowsOf(from)).toEqual([
        { amount: -200, balance_after: 300, reason: 'gift_sent', reference: `to:${to.discordId}`, idempotency_key: `gift:${view.giftId}:sent` },
      ]);
      expect(await rowsOf(to)).toEqual([
        {
          amount: 200,
          balance_after: 220,
          reason: 'gift_received',
          reference: `from:${from.discordId}`,
          idempotency_key: `gift:${view.giftId}:received`,
        },
      ]);
      await expectCredits(t, from.userId, 300);
      await expectCredits(t, to.userId, 220);
      expect(await giftEvents(to)).toEqual([
        {
          payload: {
            gift: { id: view.giftId, amount: 200, note: 'gg, thanks for the carry', from: { discordId: from.discordId, username: 'alice' } },
          },
          dm_status: 'pending',
        },
      ]);
      expect(await giftEvents(from)).toEqual([]);

      // The history shows the gift on both sides.
      const mine = await t.http().get('/api/v1/users/me/transactions').set(from.auth);
      expect(mine.body.data[0]).toMatchObject({ amount: -200, reason: 'gift_sent', reference: `to:${to.discordId}` });
    });

    it('sends once per Idempotency-Key: a retry replays the answer and moves nothing more', async () => {
      const from = await createUser(t, { credits: 300 });
      const to = await createUser(t);
      const body = { toDiscordId: to.discordId, amount: 100 };
      const first = await gift(from, body, 'gift-retry-1');
      const again = await gift(from, body, 'gift-retry-1');
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const other = await gift(from, body, 'gift-retry-2');
      expect(other.status).toBe(200);
      expect(other.body.data.giftId).not.toBe(first.body.data.giftId);
      const changed = await gift(from, { ...body, amount: 5 }, 'gift-retry-1');
      expect(changed.status).toBe(422);
      expect(changed.body).toEqual(errorEnvelope('IDEMPOTENCY_MISMATCH'));
      await expectCredits(t, from.userId, 100);
      await expectCredits(t, to.userId, 200);
      expect(await giftEvents(to)).toHaveLength(2);
    });

    it('is the same gift when the service sees the same retry key again, even once the day is used up', async () => {
      // Below the HTTP layer's replay (a crash between commit and the stored response): the ledger keys make the retry a replay.
      const from = await createUser(t, { credits: 2000 });
      const to = await createUser(t);
      const gifts = t.app.get(GiftsService);
      const actor = { userId: from.userId, scopes: [], via: { kind: 'discord' as const } };
      const first = await gifts.send(actor, { toDiscordId: to.discordId, amount: 300, idempotencyKey: 'discord:1' });
      expect((await gift(from, { toDiscordId: to.discordId, amount: DAILY_LIMIT - 300 })).status).toBe(200);
      const retry = await gifts.send(actor, { toDiscordId: to.discordId, amount: 300, idempotencyKey: 'discord:1' });
      expect(retry).toMatchObject({ giftId: first.giftId, amount: 300, balance: first.balance, sentToday: DAILY_LIMIT, remainingToday: 0 });
      await expectCredits(t, from.userId, 2000 - DAILY_LIMIT);
      await expectCredits(t, to.userId, DAILY_LIMIT);
      expect(await giftEvents(to)).toHaveLength(2);
    });
  });

  describe('the daily limit', () => {
    it('refuses what would go over it with 409 and how much is left, counts only what was given, and starts over the next UTC day', async () => {
      const from = await createUser(t, { credits: 5000 });
      const to = await createUser(t, { credits: 3000 });
      expect((await gift(from, { toDiscordId: to.discordId, amount: 600 })).status).toBe(200);
      // What the sender received does not count: the receiver's own gifts have the whole limit.
      expect((await gift(to, { toDiscordId: from.discordId, amount: DAILY_LIMIT })).status).toBe(200);

      const over = await gift(from, { toDiscordId: to.discordId, amount: 500 });
      expect(over.status).toBe(409);
      expect(over.body).toEqual(
        errorEnvelope(
          'LIMIT_REACHED',
          'Daily gift limit: you can give 400 GC more today (1,000 GC a day, 600 GC given), not 500 GC; it starts over at 00:00 UTC',
        ),
      );
      expect(over.body.error.details).toEqual({
        limit: DAILY_LIMIT,
        sentToday: 600,
        remaining: 400,
        resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
      });

      expect((await gift(from, { toDiscordId: to.discordId, amount: 400 })).body.data).toMatchObject({ sentToday: DAILY_LIMIT, remainingToday: 0 });
      const full = await gift(from, { toDiscordId: to.discordId, amount: 1 });
      expect(full.status).toBe(409);
      expect(full.body).toEqual(
        errorEnvelope(
          'LIMIT_REACHED',
          'Daily gift limit reached: you have given 1,000 GC today, the most allowed (1,000 GC a day); it starts over at 00:00 UTC',
        ),
      );
      // Each gave 1,000 GC to the other.
      await expectCredits(t, from.userId, 5000);
      await expectCredits(t, to.userId, 3000);

      // The same rows a day older: yesterday's gifts no longer count.
      await t.db.query(`UPDATE credit_transactions SET created_at = created_at - interval '1 day' WHERE user_id = $1 AND reason = 'gift_sent'`, [
        from.userId,
      ]);
      const tomorrow = await gift(from, { toDiscordId: to.discordId, amount: 700 });
      expect(tomorrow.status).toBe(200);
      expect(tomorrow.body.data).toMatchObject({ sentToday: 700, remainingToday: 300 });
      await expectLedgerConsistent(t, from.userId);
      await expectLedgerConsistent(t, to.userId);
    });
  });

  describe('concurrency', () => {
    it('20 parallel gifts from a sender who can afford 7: exactly 7 succeed, both balances equal their ledgers', async () => {
      const from = await createUser(t, { credits: 700 });
      const to = await createUser(t, { credits: 50 });
      const results = await Promise.all(Array.from({ length: 20 }, () => gift(from, { toDiscordId: to.discordId, amount: 100 })));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(7);
      expect(statuses.filter((s) => s === 422)).toHaveLength(13);
      for (const refused of results.filter((r) => r.status === 422)) {
        expect(refused.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS'));
      }
      await expectCredits(t, from.userId, 0);
      await expectCredits(t, to.userId, 750);
      await expectLedgerConsistent(t, from.userId);
      await expectLedgerConsistent(t, to.userId);
      expect(await rowsOf(from)).toHaveLength(7);
      expect(await rowsOf(to)).toHaveLength(7);
      expect(await giftEvents(to)).toHaveLength(7);
    });

    it('20 parallel gifts against the daily limit: only what fits in it is given', async () => {
      const from = await createUser(t, { credits: 10_000 });
      const to = await createUser(t);
      // 7 × 140 = 980 fits in 1,000; an eighth would not.
      const results = await Promise.all(Array.from({ length: 20 }, () => gift(from, { toDiscordId: to.discordId, amount: 140 })));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(7);
      expect(statuses.filter((s) => s === 409)).toHaveLength(13);
      expect(results.find((r) => r.status === 409)?.body).toEqual(errorEnvelope('LIMIT_REACHED', /you can give 20 GC more today/));
      expect(
        results
          .filter((r) => r.status === 200)
          .map((r) => r.body.data.sentToday as number)
          .sort((a, b) => a - b),
      ).toEqual([140, 280, 420, 560, 700, 840, 980]);
      await expectCredits(t, from.userId, 10_000 - 980);
      await expectCredits(t, to.userId, 980);
    });

    it('gifts crossing between two users at the same time all go through (no deadlock) and keep both ledgers exact', async () => {
      const a = await createUser(t, { credits: 500 });
      const b = await createUser(t, { credits: 500 });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 ? gift(a, { toDiscordId: b.discordId, amount: 10 + i }) : gift(b, { toDiscordId: a.discordId, amount: 10 + i }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const aGave = Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 2)
        .reduce((n, i) => n + 10 + i, 0);
      const bGave = Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => !(i % 2))
        .reduce((n, i) => n + 10 + i, 0);
      await expectCredits(t, a.userId, 500 - aGave + bGave);
      await expectCredits(t, b.userId, 500 - bGave + aGave);
      expect(await balanceOf(t, a.userId)).toBe(500 - aGave + bGave);
    });
  });
});
