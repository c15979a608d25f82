/**
 * Leaderboards with 1,000,000 users, through the real HTTP endpoints.
 *
 * How to run: `BENCH_ONLY=extra npm run bench` (builds the app, starts an embedded PostgreSQL with
 * fsync off, seeds the standard bench data, starts agis, then runs every bench/*.bench.ts file; the
 * runner compiles this file with @swc/core). `npm run bench` runs it with everything else. It
 * follows the scenario contract in bench/bench.types.ts. Its part takes about two minutes on 2 cores,
 * 25-45 s of which is inserting the users.
 *
 * What it does:
 * 1. Adds 1,000,000 users in one set-based INSERT (generate_series): skewed balances with 10 % at
 *    0 GC, 70 % owning no server, staggered creation times. Balances and server counts are written
 *    directly, not through the ledger: this measures reads, and these users never spend. Ids are
 *    built from the row number because gen_random_uuid() alone costs ~7 s per million here.
 * 2. Checks the endpoint's ranks against a full sort (row_number() over the board order).
 * 3. Loads both boards with autocannon through the running agis (top 100 cached for 5 s, the
 *    caller's rank from rank checkpoints plus an exact count of at most ~1000 index entries), for a
 *    caller at the top, in the middle, and at the very bottom (the newest account with 0 GC and 0
 *    servers: the deepest rank there is), with ctx.connections connections and with one; and
 *    GET /users/me with the same key as the machine's reference (the simplest authenticated read).
 * 4. Starts a second agis with LEADERBOARD_CACHE_MS=0 and repeats the bottom caller's cases, so
 *    every request also reads the top 100 from the index.
 * The extra users stay in the throwaway bench database (discord ids 3e17 + n).
 */
import type { Client as PgClient } from 'pg';

/** The part of the runner's context (bench/bench.types.ts) this scenario uses. */
interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  seconds: number;
  connections: number;
}
interface BenchContext {
  agisUrl: string;
  databaseUrl: string;
  seconds: number;
  connections: number;
  load(options: LoadOptions): Promise<{ rps: number; p50: number; p99: number; errors: number }>;
  log(message: string): void;
}
interface ScenarioRow {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  notes?: string;
}

// The runner requires the compiled app (bench/app.js), not the TypeScript sources.
const { Client } = require('pg') as typeof import('pg');
const { app } = require('./app') as { app: (path: string) => unknown };
const { mintToken } = app('src/auth/api-key-token') as typeof import('../src/auth/api-key-token');
const { startAgis } = require('./http-scenarios') as {
  startAgis(databaseUrl: string, opts?: { env?: Record<string, string> }): Promise<{ child: unknown; url: string }>;
};
const { stopChild } = require('./processes') as { stopChild(child: unknown): Promise<void> };

const USERS = 1_000_000;
const DISCORD_BASE = 300_000_000_000_000_000n;

type Board = 'credits' | 'servers';
const COLUMN: Record<Board, string> = { credits: 'credits', servers: 'server_count' };

interface Caller {
  label: string;
  discordId: string;
  token: string;
}

async function seedUsers(db: PgClient): Promise<void> {
  await db.query(
    `
    INSERT INTO users (id, discord_id, username, credits, server_count, created_at)
    SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, ($1::bigint + g)::text, 'lb' || g,
      CASE WHEN g % 10 = 0 THEN 0 ELSE floor(power(random(), 4) * 2000000)::bigint END,
      CASE WHEN random() < 0.7 THEN 0 ELSE 1 + floor(power(random(), 3) * 20)::int END,
      now() - interval '400 days' + g * interval '30 seconds'
    FROM generate_series(1, $2::int) g`,
    [String(DISCORD_BASE), USERS],
  );
  // The bottom caller: the newest account with nothing; its rank counts every other user.
  await db.query(`UPDATE users SET credits = 0, server_count = 0, created_at = now() WHERE discord_id = $1`, [String(DISCORD_BASE + BigInt(USERS))]);
  await db.query('VACUUM ANALYZE users');
}

async function keyFor(db: PgClient, label: string, discordId: string): Promise<Caller> {
  const t = mintToken();
  await db.query(
    `INSERT INTO api_keys (id, prefix, secret_hash, user_id, name, scopes)
     SELECT $1, $2, $3, id, 'leaderboard-bench', ARRAY['profile:read'] FROM users WHERE discord_id = $4`,
    [t.id, t.prefix, t.secretHash, discordId],
  );
  return { label, discordId, token: t.token };
}

/** The callers' ranks by a full sort of the board (row_number over the board order). */
async function fullSortRanks(db: PgClient, board: Board, discordIds: string[]): Promise<Map<string, number>> {
  const col = COLUMN[board];
  const { rows } = await db.query(
    `SELECT discord_id, rank::int AS rank FROM (
       SELECT discord_id, row_number() OVER (ORDER BY ${col} DESC, created_at, id) AS rank FROM users
     ) r WHERE discord_id = ANY($1)`,
    [discordIds],
  );
  return new Map(rows.map((r: { discord_id: string; rank: number }) => [r.discord_id, r.rank]));
}

/** The endpoint must agree with the full sort, or its latency would mean nothing. */
async function check(url: string, db: PgClient, board: Board, callers: Caller[]): Promise<void> {
  const expected = await fullSortRanks(
    db,
    board,
    callers.map((c) => c.discordId),
  );
  for (const caller of callers) {
    const res = await fetch(`${url}/api/v1/leaderboard/${board}?limit=100`, { headers: { authorization: `Bearer ${caller.token}` } });
    const body = (await res.json()) as { data: { entries: Array<{ rank: number }>; you: { rank: number } } };
    if (res.status !== 200 || body.data.you.rank !== expected.get(caller.discordId) || body.data.entries.length !== 100) {
      throw new Error(
        `${board} board for the ${caller.label} caller: HTTP ${res.status}, rank ${body.data?.you?.rank}, ` +
          `full sort says ${expected.get(caller.discordId)}`,
      );
    }
  }
}

export async function run(ctx: BenchContext): Promise<ScenarioRow[]> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const rows: ScenarioRow[] = [];
  try {
    const began = Date.now();
    await seedUsers(db);
    const seconds = (Date.now() - began) / 1000;
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM users')).rows as Array<{ n: number }>;
    ctx.log(`  leaderboard: seeded ${USERS.toLocaleString('en')} users in ${seconds.toFixed(1)} s (${n.toLocaleString('en')} in total)`);

    const top = (await db.query('SELECT discord_id FROM users ORDER BY credits DESC, created_at, id LIMIT 1 OFFSET 4')).rows[0].discord_id as string;
    const middle = String(DISCORD_BASE + BigInt(USERS / 2));
    const bottom = String(DISCORD_BASE + BigInt(USERS));
    const callers = {
      top: await keyFor(db, 'top-5 credits', top),
      middle: await keyFor(db, 'middle', middle),
      bottom: await keyFor(db, 'bottom (newest, 0 GC, 0 servers)', bottom),
    };
    for (const board of ['credits', 'servers'] as const) {
      await check(ctx.agisUrl, db, board, Object.values(callers));
    }
    ctx.log('  leaderboard: ranks match a full sort for every caller on both boards');

    const measure = async (url: string, path: string, caller: Caller, how: string, connections = ctx.connections) => {
      const opts: LoadOptions = { url, path, headers: { authorization: `Bearer ${caller.token}` }, seconds: ctx.seconds, connections };
      const r = await ctx.load(opts);
      const row = {
        scenario: `GET ${path.replace('/api/v1', '')}, ${caller.label} caller, ${how}, ${connections} conn.`,
        rps: r.rps,
        p50: r.p50,
        p99: r.p99,
        errors: r.errors,
      };
      ctx.log(`  ${row.scenario}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}`);
      rows.push({ ...row, notes: `${n.toLocaleString('en')} users` });
    };
    const lb = (board: Board, limit: number) => `/api/v1/leaderboard/${board}?limit=${limit}`;
    // The floor of this machine: the simplest authenticated read, same key, same load.
    await measure(ctx.agisUrl, '/api/v1/users/me', callers.bottom, 'reference');
    await measure(ctx.agisUrl, lb('credits', 10), callers.top, 'list cached 5 s');
    await measure(ctx.agisUrl, lb('credits', 100), callers.bottom, 'list cached 5 s');
    await measure(ctx.agisUrl, lb('servers', 10), callers.middle, 'list cached 5 s');
    await measure(ctx.agisUrl, lb('servers', 100), callers.bottom, 'list cached 5 s');
    await measure(ctx.agisUrl, lb('servers', 100), callers.bottom, 'list cached 5 s', 1);

    const uncached = await startAgis(ctx.databaseUrl, { env: { LEADERBOARD_CACHE_MS: '0' } });
    try {
      await measure(uncached.url, lb('credits', 100), callers.bottom, 'no list cache');
      await measure(uncached.url, lb('servers', 100), callers.bottom, 'no list cache');
    } finally {
      await stopChild(uncached.child);
    }
  } finally {
    await db.end();
  }
  return rows;
}
