import { CreditsService } from '../../src/credits/credits.service';
import { type DomainError } from '../../src/common/errors/domain-error';
import { Transactions } from '../../src/database/transactions';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';
import { balanceOf, expectCredits } from '../support/ledger-checks';

describe('credits ledger', () => {
  let t: TestApp;
  let credits: CreditsService;
  let transactions: Transactions;
  beforeAll(async () => {
    t = await createTestApp();
    credits = t.app.get(CreditsService);
    transactions = t.app.get(Transactions);
  });
  afterAll(async () => {
    await t.close();
  });

  const rowCount = async (userId: string) =>
    (await t.db.query('SELECT count(*)::int AS n FROM credit_transactions WHERE user_id = $1', [userId]))[0].n as number;
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a DomainError');
      },
      (e: DomainError) => e,
    );

  describe('grant and spend', () => {
    it('moves the balance and writes one row per movement with the balance after it', async () => {
      const u = await createUser(t);
      const granted = await credits.grant(u.userId, 100, 'demo_grant', { reference: 'welcome' });
      const spent = await credits.spend(u.userId, 30, 'server_hour', { reference: 'srv-1' });
      expect(granted).toEqual(
        expect.objectContaining({ amount: 100, balanceAfter: 100, reason: 'demo_grant', reference: 'welcome', replayed: false }),
      );
      expect(spent).toEqual(expect.objectContaining({ amount: -30, balanceAfter: 70, reason: 'server_hour', replayed: false }));
      await expectCredits(t, u.userId, 70);
      expect(await credits.balance(u.userId)).toBe(70);
    });

    it('refuses a spend the balance cannot pay, says how much is missing, and writes nothing', async () => {
      const u = await createUser(t, { credits: 25 });
      const err = await failure(credits.spend(u.userId, 30, 'server_hour'));
      expect(err.code).toBe('INSUFFICIENT_CREDITS');
      expect(err.details).toEqual({ required: 30, balance: 25 });
      expect(await balanceOf(t, u.userId)).toBe(25);
      expect(await rowCount(u.userId)).toBe(1);
    });

    it('rejects amounts that are not positive whole numbers and unknown users', async () => {
      const u = await createUser(t, { credits: 10 });
      for (const amount of [0, -5, 1.5, Number.NaN]) {
        expect((await failure(credits.spend(u.userId, amount, 'server_hour'))).code).toBe('VALIDATION_FAILED');
        expect((await failure(credits.grant(u.userId, amount, 'demo_grant'))).code).toBe('VALIDATION_FAILED');
      }
      expect((await failure(credits.grant(u.userId, 5, 'Bad Reason'))).code).toBe('VALIDATION_FAILED');
      expect((await failure(credits.grant('00000000-0000-4000-8000-000000000000', 5, 'demo_grant'))).code).toBe('USER_NOT_FOUND');
      expect((await failure(credits.spend('00000000-0000-4000-8000-000000000000', 5, 'server_hour'))).code).toBe('USER_NOT_FOUND');
      expect(await balanceOf(t, u.userId)).toBe(10);
    });

    it('keeps user_stats: grants count as earned, spends as spent, refunds lower spent', async () => {
      const u = await createUser(t);
      await credits.grant(u.userId, 200, 'demo_grant');
      await credits.spend(u.userId, 50, 'server_hour');
      await credits.grant(u.userId, 20, 'refund');
      const [stats] = await t.db.query('SELECT credits_earned, credits_spent FROM user_stats WHERE user_id = $1', [u.userId]);
      expect({ earned: Number(stats.credits_earned), spent: Number(stats.credits_spent) }).toEqual({ earned: 200, spent: 30 });
    });
  });

  describe('idempotency keys', () => {
    it('turns a retry into a no-op that returns the first entry', async () => {
      const u = await createUser(t, { credits: 100 });
      const first = await credits.spend(u.userId, 40, 'server_hour', { idempotencyKey: `k-${u.userId}` });
      const again = await credits.spend(u.userId, 40, 'server_hour', { idempotencyKey: `k-${u.userId}` });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await balanceOf(t, u.userId)).toBe(60);
      expect(await rowCount(u.userId)).toBe(2);
    });

    it('replays even when the balance could no longer pay a second time', async () => {
      const u = await createUser(t, { credits: 40 });
      const first = await credits.spend(u.userId, 40, 'server_hour', { idempotencyKey: `all-${u.userId}` });
      const again = await credits.spend(u.userId, 40, 'server_hour', { idempotencyKey: `all-${u.userId}` });
      expect(again.id).toBe(first.id);
      expect(await balanceOf(t, u.userId)).toBe(0);
    });

    it('charges once when the same key races itself', async () => {
      const u = await createUser(t, { credits: 1000 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => credits.spend(u.userId, 10, 'server_hour', { idempotencyKey: `race-${u.userId}` })),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      await expectCredits(t, u.userId, 990);
    });

    it('refuses a key reused for another movement', async () => {
      const u = await createUser(t, { credits: 100 });
      await credits.spend(u.userId, 10, 'server_hour', { idempotencyKey: `reuse-${u.userId}` });
      expect((await failure(credits.spend(u.userId, 20, 'server_hour', { idempotencyKey: `reuse-${u.userId}` }))).code).toBe('IDEMPOTENCY_MISMATCH');
      expect(await balanceOf(t, u.userId)).toBe(90);
    });
  });

  describe('concurrency', () => {
    it('never lets parallel spends take the balance below zero', async () => {
      const u = await createUser(t, { credits: 100 });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => credits.spend(u.userId, 10, 'server_hour', { reference: `p${i}` })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
      const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refusals.every((o) => (o.reason as DomainError).code === 'INSUFFICIENT_CREDITS')).toBe(true);
      await expectCredits(t, u.userId, 0);
      const [{ min }] = await t.db.query('SELECT min(balance_after)::int AS min FROM credit_transactions WHERE user_id = $1', [u.userId]);
      expect(min).toBe(0);
    });
  });

  describe('inside a caller transaction', () => {
    it('commits and rolls back with the caller', async () => {
      const u = await createUser(t, { credits: 100 });
      await transactions.run((tx) => credits.spendIn(tx, u.userId, 30, 'server_hour'));
      await expect(
        transactions.run(async (tx) => {
          await credits.spendIn(tx, u.userId, 30, 'server_hour');
          throw new Error('caller changed its mind');
        }),
      ).rejects.toThrow('caller changed its mind');
      await expectCredits(t, u.userId, 70);
    });

    it('leaves the caller transaction usable after a refusal', async () => {
      const u = await createUser(t, { credits: 10 });
      await transactions.run(async (tx) => {
        await expect(credits.spendIn(tx, u.userId, 30, 'server_hour')).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
        await credits.spendIn(tx, u.userId, 10, 'server_hour');
      });
      expect(await balanceOf(t, u.userId)).toBe(0);
    });
  });

  describe('GET /users/me/transactions', () => {
    it('needs a key with profile:read', async () => {
      expect((await t.http().get('/api/v1/users/me/transactions')).status).toBe(401);
      const u = await createUser(t, { scopes: ['servers:read'] });
      const res = await t.http().get('/api/v1/users/me/transactions').set(u.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN'));
    });

    it('lists only your own rows, newest first, paginated', async () => {
      const u = await createUser(t, { credits: 100 });
      await createUser(t, { credits: 5 });
      await credits.spend(u.userId, 30, 'server_hour', { reference: 'srv' });
      const res = await t.http().get('/api/v1/users/me/transactions?perPage=1').set(u.auth);
      expect(res.status).toBe(200);
      expect(res.body.meta).toEqual({ page: 1, perPage: 1, total: 2, totalPages: 2 });
      expect(res.body.data).toEqual([expect.objectContaining({ amount: -30, balanceAfter: 70, reason: 'server_hour', reference: 'srv' })]);
    });
  });

  it('counts transactions and spent credits in /metrics', async () => {
    const u = await createUser(t, { credits: 50 });
    await credits.spend(u.userId, 7, 'server_hour');
    const text = (await t.http().get('/metrics')).text;
    expect(text).toMatch(/agis_credit_transactions_total\{reason="server_hour"\} \d+/);
    expect(text).toMatch(/agis_credits_spent_total [1-9]\d*/);
  });

  it('keeps every balance equal to the sum of its ledger rows', async () => {
    const drift = await t.db.query(`
      SELECT u.id FROM users u LEFT JOIN credit_transactions c ON c.user_id = u.id
      GROUP BY u.id, u.credits HAVING u.credits <> coalesce(sum(c.amount), 0)`);
    expect(drift).toEqual([]);
  });
});
