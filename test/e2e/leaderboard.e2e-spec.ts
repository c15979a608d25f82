import { UsersService } from '../../src/users/users.service';
import { CHECKPOINT_EVERY, compareKeys } from '../../src/leaderboard/rank-checkpoints';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, grantBalances, type TestUser } from '../support/factories';

interface Entry {
  rank: number;
  discordId: string;
  username: string;
  value: number;
}

describe('leaderboards', () => {
  let t: TestApp;
  // Caches are off here so every test sees its own writes; one test below turns the list cache on.
  beforeAll(async () => {
    t = await createTestApp({ LEADERBOARD_CACHE_MS: '0', LEADERBOARD_RANK_SNAPSHOT_MS: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  const board = (name: string, u: TestUser, query = '') => t.http().get(`/api/v1/leaderboard/${name}${query}`).set(u.auth);
  const addServers = async (u: TestUser, n: number) => {
    for (let i = 0; i < n; i++) {
      await t.db.query(`INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour) VALUES ($1, $2, 'minecraft', 'stopped', 30)`, [
        u.userId,
        `srv-${u.discordId.slice(-6)}-${i}`,
      ]);
    }
  };

  it('needs profile:read and a limit from 1 to 100', async () => {
    expect((await t.http().get('/api/v1/leaderboard/credits')).status).toBe(401);
    const noScope = await createUser(t, { scopes: ['servers:read'] });
    expect((await board('credits', noScope)).status).toBe(403);
    const u = await createUser(t);
    for (const q of ['?limit=0', '?limit=101', '?limit=abc', '?limit=2.5']) {
      const res = await board('servers', u, q);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /limit/));
    }
  });

  it("ranks by balance, breaks ties by the older account, and includes the caller's rank", async () => {
    const rich = await createUser(t, { credits: 9_000_500, username: 'rich' });
    const tiedFirst = await createUser(t, { credits: 9_000_300, username: 'tied-first' });
    const tiedSecond = await createUser(t, { credits: 9_000_300, username: 'tied-second' });
    const tiedThird = await createUser(t, { credits: 9_000_300, username: 'tied-third' });
    const poorer = await createUser(t, { credits: 9_000_100, username: 'poorer' });

    const res = await board('credits', tiedThird, '?limit=5');
    expect(res.status).toBe(200);
    expect(res.body.data.board).toBe('credits');
    expect(res.body.data.entries.map((e: Entry) => [e.rank, e.username, e.value])).toEqual([
      [1, 'rich', 9_000_500],
      [2, 'tied-first', 9_000_300],
      [3, 'tied-second', 9_000_300],
      [4, 'tied-third', 9_000_300],
      [5, 'poorer', 9_000_100],
    ]);
    expect(res.body.data.entries[0].discordId).toBe(rich.discordId);
    expect(res.body.data.you).toEqual({ rank: 4, value: 9_000_300 });
    expect((await board('credits', tiedFirst, '?limit=5')).body.data.you).toEqual({ rank: 2, value: 9_000_300 });
    expect((await board('credits', poorer)).body.data.you).toEqual({ rank: 5, value: 9_000_100 });
    expect((await board('credits', tiedSecond, '?limit=2')).body.data.entries).toHaveLength(2);
  });

  it('orders users created at the same instant by id, identically on every call', async () => {
    const a = await createUser(t, { credits: 8_000_000 });
    const b = await createUser(t, { credits: 8_000_000 });
    const c = await createUser(t, { credits: 8_000_000 });
    await t.db.query(`UPDATE users SET created_at = '2026-01-01T00:00:00Z' WHERE id = ANY($1)`, [[a.userId, b.userId, c.userId]]);
    const byId = [a, b, c].sort((x, y) => (x.userId < y.userId ? -1 : 1));
    const seen = new Set<string>();
    for (const u of [a, b, c]) {
      const res = await board('credits', u, '?limit=100');
      const tied = res.body.data.entries.filter((e: Entry) => e.value === 8_000_000).map((e: Entry) => e.discordId);
      expect(tied).toEqual(byId.map((x) => x.discordId));
      const mine = res.body.data.entries.find((e: Entry) => e.discordId === u.discordId);
      expect(res.body.data.you.rank).toBe(mine.rank);
      seen.add(JSON.stringify(res.body.data.entries));
    }
    expect(seen.size).toBe(1);
  });

  it("ranks by servers owned, and the caller's rank is given even far below the list", async () => {
    const host = await createUser(t, { username: 'host' });
    const small = await createUser(t, { username: 'small' });
    const none = await createUser(t, { username: 'none' });
    await addServers(host, 3);
    await addServers(small, 1);
    const res = await board('servers', none, '?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.data.entries.map((e: Entry) => [e.rank, e.username, e.value])).toEqual([
      [1, 'host', 3],
      [2, 'small', 1],
    ]);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM users');
    // Every user but host and small has 0 servers; "none" is the newest account, so it is last.
    expect(res.body.data.you).toEqual({ rank: n, value: 0 });
    await t.db.query('DELETE FROM servers WHERE owner_id = $1', [host.userId]);
    const after = await board('servers', small, '?limit=1');
    expect(after.body.data.entries.map((e: Entry) => e.username)).toEqual(['small']);
    expect(after.body.data.you).toEqual({ rank: 1, value: 1 });
  });

  it('gives exact ranks deep in a board larger than one rank checkpoint, ties included', async () => {
    // 12,000 extra users (a dozen checkpoints) with few distinct values and shared creation
    // instants: long tie groups, with checkpoints inside them and between them. A bulk fixture, inserted
    // with its balances in one statement (12,000 ledger grants would dominate the run); no ledger check reads them.
    await t.db.query(`
      INSERT INTO users (discord_id, username, credits, server_count, created_at)
      SELECT (400000000000000000::bigint + g)::text, 'bulk' || g, (g % 7) * 10, g % 3, '2026-01-01T00:00:00Z'::timestamptz + (g % 50) * interval '1 second'
      FROM generate_series(1, 12000) g`);
    for (const name of ['credits', 'servers'] as const) {
      const checkpoints = await t.app.get(UsersService).rankingCheckpoints(name, CHECKPOINT_EVERY);
      expect(checkpoints.map((c) => c.position)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * CHECKPOINT_EVERY));
      expect(checkpoints.slice(1).every((c, i) => compareKeys(checkpoints[i].key, c.key) < 0)).toBe(true);
    }
    const callers = [await createUser(t), await createUser(t, { credits: 30 }), await createUser(t, { credits: 60 })];
    await addServers(callers[2], 1);
    for (const name of ['credits', 'servers'] as const) {
      const col = name === 'credits' ? 'credits' : 'server_count';
      for (const u of callers) {
        const [{ rank }] = await t.db.query(
          `SELECT rank::int FROM (SELECT id, row_number() OVER (ORDER BY ${col} DESC, created_at, id) AS rank FROM users) r WHERE id = $1`,
          [u.userId],
        );
        const res = await board(name, u, '?limit=3');
        expect(res.status).toBe(200);
        expect(res.body.data.you.rank).toBe(rank);
      }
    }
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM users');
    expect(n).toBeGreaterThan(12000);
  });

  it("serves the list from a short cache while the caller's own rank stays fresh", async () => {
    const cached = await createTestApp({ LEADERBOARD_CACHE_MS: '60000' }, { databaseUrl: t.databaseUrl });
    try {
      const u = await createUser(cached);
      const first = await cached.http().get('/api/v1/leaderboard/credits?limit=1').set(u.auth);
      await grantBalances(cached, u.userId, { credits: 99999999 }); // from 0: the caller jumps to rank 1
      const second = await cached.http().get('/api/v1/leaderboard/credits?limit=1').set(u.auth);
      expect(second.body.data.entries).toEqual(first.body.data.entries);
      expect(second.body.data.generatedAt).toBe(first.body.data.generatedAt);
      expect(second.body.data.you).toEqual({ rank: 1, value: 99999999 });
      const uncached = await board('credits', u, '?limit=1');
      expect(uncached.body.data.entries[0].discordId).toBe(u.discordId);
    } finally {
      await cached.close();
    }
  });
});
