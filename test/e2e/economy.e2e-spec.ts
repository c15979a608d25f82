import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';
import { expectLedgerConsistent } from '../support/ledger-checks';

describe('users: stats, transactions and the daily bonus', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const claim = (auth: Record<string, string>) => t.http().post('/api/v1/users/me/daily').set(auth);

  describe('POST /users/me/daily', () => {
    it('needs a key with credits:write', async () => {
      expect((await t.http().post('/api/v1/users/me/daily')).status).toBe(401);
      const reader = await createUser(t, { scopes: ['profile:read'] });
      const res = await claim(reader.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /credits:write/));
    });

    it('grants 50 GC, then refuses a second claim with 409 and the time left', async () => {
      const u = await createUser(t, { credits: 10 });
      const first = await claim(u.auth);
      expect(first.status).toBe(200);
      expect(first.body.data).toEqual({ amount: 50, balance: 60, claimedAt: expect.any(String), nextClaimAt: expect.any(String) });
      expect(Date.parse(first.body.data.nextClaimAt) - Date.parse(first.body.data.claimedAt)).toBe(24 * 3600 * 1000);

      const second = await claim(u.auth);
      expect(second.status).toBe(409);
      expect(second.body).toEqual(errorEnvelope('ALREADY_CLAIMED', /next claim in 23 h 59 min|next claim in 24 h 0 min/));
      const { retryAfterSeconds, nextClaimAt } = second.body.error.details;
      expect(retryAfterSeconds).toBeGreaterThan(24 * 3600 - 60);
      expect(retryAfterSeconds).toBeLessThanOrEqual(24 * 3600);
      expect(nextClaimAt).toBe(first.body.data.nextClaimAt);
      const me = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(me.body.data.credits).toBe(60);
      await expectLedgerConsistent(t, u.userId);
    });

    it('grants 100 GC to premium users', async () => {
      const u = await createUser(t, { tier: 'premium' });
      const res = await claim(u.auth);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ amount: 100, balance: 100 });
    });

    it('opens again 24 h after the last claim (sliding window), not at midnight', async () => {
      const u = await createUser(t);
      expect((await claim(u.auth)).status).toBe(200);
      await t.db.query(`UPDATE users SET last_daily_at = last_daily_at - interval '23 hours 59 minutes' WHERE id = $1`, [u.userId]);
      const early = await claim(u.auth);
      expect(early.status).toBe(409);
      expect(early.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(60);
      await t.db.query(`UPDATE users SET last_daily_at = last_daily_at - interval '1 minute' WHERE id = $1`, [u.userId]);
      const again = await claim(u.auth);
      expect(again.status).toBe(200);
      expect(again.body.data.balance).toBe(100);
      await expectLedgerConsistent(t, u.userId);
    });

    it('grants exactly once under 20 concurrent claims', async () => {
      const u = await createUser(t);
      const results = await Promise.all(Array.from({ length: 20 }, () => claim(u.auth)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const rows = await t.db.query(`SELECT amount FROM credit_transactions WHERE user_id = $1 AND reason = 'daily_bonus'`, [u.userId]);
      expect(rows).toHaveLength(1);
      const me = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(me.body.data.credits).toBe(50);
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('GET /users/me/transactions', () => {
    it('needs profile:read', async () => {
      const u = await createUser(t, { scopes: ['servers:read'] });
      expect((await t.http().get('/api/v1/users/me/transactions').set(u.auth)).status).toBe(403);
    });

    it("pages the caller's ledger newest first, and only theirs", async () => {
      const u = await createUser(t, { credits: 500 });
      await createUser(t, { credits: 999 });
      expect((await claim(u.auth)).status).toBe(200);
      const all = await t.http().get('/api/v1/users/me/transactions').set(u.auth);
      expect(all.status).toBe(200);
      expect(all.body.meta).toEqual({ page: 1, perPage: 25, total: 2, totalPages: 1 });
      expect(all.body.data.map((r: { reason: string; amount: number; balanceAfter: number }) => [r.reason, r.amount, r.balanceAfter])).toEqual([
        ['daily_bonus', 50, 550],
        ['test_grant', 500, 500],
      ]);
      const page2 = await t.http().get('/api/v1/users/me/transactions?perPage=1&page=2').set(u.auth);
      expect(page2.body.meta).toEqual({ page: 2, perPage: 1, total: 2, totalPages: 2 });
      expect(page2.body.data).toEqual([expect.objectContaining({ reason: 'test_grant', amount: 500 })]);
      expect((await t.http().get('/api/v1/users/me/transactions?perPage=101').set(u.auth)).status).toBe(400);
    });
  });

  describe('GET /users/me/stats', () => {
    it('reports real counters: credits earned, servers created (kept by the database) and last activity', async () => {
      const u = await createUser(t, { credits: 200 });
      const before = await t.http().get('/api/v1/users/me/stats').set(u.auth);
      expect(before.status).toBe(200);
      expect(before.body.data).toEqual({
        serversCreated: 0,
        creditsEarned: 200,
        creditsSpent: 0,
        adConversions: 0,
        commandsUsed: 0,
        lastActiveAt: expect.any(String),
      });

      expect((await claim(u.auth)).status).toBe(200);
      // Two servers created, one deleted: created counts both, the servers leaderboard value drops to one.
      const [{ id }] = await t.db.query(
        `INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour) VALUES ($1, 'one', 'minecraft', 'stopped', 30), ($1, 'two', 'minecraft', 'stopped', 30)
         RETURNING id`,
        [u.userId],
      );
      await t.db.query('DELETE FROM servers WHERE id = $1', [id]);
      const after = await t.http().get('/api/v1/users/me/stats').set(u.auth);
      expect(after.body.data).toMatchObject({ serversCreated: 2, creditsEarned: 250, creditsSpent: 0, adConversions: 0 });
      expect(Date.parse(after.body.data.lastActiveAt)).toBeGreaterThanOrEqual(Date.parse(before.body.data.lastActiveAt));
      const [{ server_count }] = await t.db.query('SELECT server_count FROM users WHERE id = $1', [u.userId]);
      expect(server_count).toBe(1);
    });
  });
});
