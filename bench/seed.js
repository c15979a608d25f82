'use strict';
// A throwaway PostgreSQL for one bench run: start, migrate, seed with set-based SQL.
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { DataSource } = require('typeorm');
const { app } = require('./app');
const { startEmbeddedPostgres, withDatabase } = app('src/database/embedded-postgres');
const { dataSourceOptions, ensureDatabase } = app('src/database/database-options');
const { mintToken } = app('src/auth/api-key-token');
const { USER_SCOPES } = app('src/auth/scopes');
const { BUILT_IN_GAMES } = app('src/servers/catalog/game-catalog');

/** The shape of the seeded data; the scenarios pick their users and servers from these ranges. */
const SHAPE = {
  users: 10_000,
  servers: 50_000,
  schedulesPerServer: 2,
  /** Users 1..heavyUsers own 20 servers each (the per-user maximum); the rest share what is left. */
  heavyUsers: 500,
  heavyServers: 20,
  /** Users 1..richUsers can pay for any number of starts (the power scenario's owners). */
  richUsers: 10,
  /** The user whose list the REST scenarios read (a heavy user, not rich: its servers stay stopped). */
  listUser: 11,
};
const DISCORD_BASE = 200000000000000000n;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];

async function startDatabase(log) {
  // mkdtemp makes a 0700 folder; the embedded server runs as `postgres` and must traverse it.
  const dir = mkdtempSync(join(tmpdir(), 'agis-bench-'));
  chmodSync(dir, 0o755);
  let server;
  const stop = async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), log, persistent: false, durable: false });
    const url = withDatabase(server.url, 'agis_bench');
    await ensureDatabase(url);
    const ds = new DataSource(dataSourceOptions(url, 2));
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    return { url, port: server.port, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Seeds users (with ledger rows matching their balances), API keys minted with the app's own
 * token function, servers and schedules. Returns the tokens the scenarios authenticate with.
 */
async function seed(url) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(
      `
      INSERT INTO users (discord_id, username, credits, tier, created_at, updated_at)
      SELECT ($1::bigint + g)::text, 'bench-user-' || g,
             CASE WHEN g <= $3 THEN 1000000000000 ELSE 5000 + (g * 7919) % 95000 END,
             CASE WHEN g % 10 = 0 THEN 'premium' ELSE 'free' END,
             now() - make_interval(days => g % 365), now()
      FROM generate_series(1, $2::int) g`,
      [String(DISCORD_BASE), SHAPE.users, SHAPE.richUsers],
    );
    await db.query(
      `
      CREATE TEMP TABLE bench_users ON COMMIT DROP AS
      SELECT (discord_id::bigint - $1::bigint)::int AS n, id, created_at FROM users WHERE discord_id::bigint > $1::bigint`,
      [String(DISCORD_BASE)],
    );
    await db.query('CREATE UNIQUE INDEX ON bench_users (n)');
    // users.credits must equal the sum of the user's ledger rows: one opening grant per user.
    await db.query(`
      INSERT INTO credit_transactions (user_id, amount, balance_after, reason, reference, created_at)
      SELECT u.id, u.credits, u.credits, 'bench_grant', 'bench seed', b.created_at
      FROM users u JOIN bench_users b ON b.id = u.id WHERE u.credits > 0`);

    await db.query(`
      INSERT INTO user_stats (user_id, credits_earned) SELECT id, credits FROM users`);

    const keys = Array.from({ length: SHAPE.users }, () => mintToken());
    await db.query(
      `
      INSERT INTO api_keys (id, prefix, secret_hash, user_id, name, scopes, created_at)
      SELECT k.id, k.prefix, k.hash, b.id, 'bench', $4::text[], b.created_at
      FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(id, prefix, hash, n)
      JOIN bench_users b ON b.n = k.n`,
      [keys.map((k) => k.id), keys.map((k) => k.prefix), keys.map((k) => k.secretHash), [...USER_SCOPES]],
    );

    const heavy = SHAPE.heavyUsers * SHAPE.heavyServers;
    await db.query(
      `
      INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour, created_at, updated_at)
      SELECT b.id, 'srv-' || s.ord, ($4::text[])[1 + s.j % $6], 'stopped', ($5::int[])[1 + s.j % $6],
             now() - make_interval(secs => s.j), now()
      FROM (SELECT j,
                   CASE WHEN j < $1 THEN 1 + j / $2 ELSE $3 + 1 + (j - $1) % ($7::int - $3) END AS n,
                   CASE WHEN j < $1 THEN j % $2 ELSE (j - $1) / ($7::int - $3) END AS ord
            FROM generate_series(0, $8::int - 1) j) s
      JOIN bench_users b ON b.n = s.n`,
      [
        heavy,
        SHAPE.heavyServers,
        SHAPE.heavyUsers,
        BUILT_IN_GAMES.map((g) => g.key),
        BUILT_IN_GAMES.map((g) => g.hourlyCost),
        BUILT_IN_GAMES.length,
        SHAPE.users,
        SHAPE.servers,
      ],
    );
    // Whether or not a trigger already counted them, servers_created is the number of servers created.
    await db.query(`
      UPDATE user_stats st SET servers_created = c.n
      FROM (SELECT owner_id, count(*)::int AS n FROM servers GROUP BY owner_id) c WHERE c.owner_id = st.user_id`);

    // Two daily schedules per server (start in the morning, stop at night) in a few zones. next_run_at
    // is the true next slot in the zone; the few due within 30 minutes start disabled so nothing fires
    // in the background of a run except what a scenario arms.
    await db.query(
      `
      INSERT INTO server_schedules (server_id, owner_id, action, cron, timezone, enabled, next_run_at, created_at, updated_at)
      SELECT id, owner_id, action, cron, tz, next_at > now() + interval '30 minutes',
             CASE WHEN next_at > now() + interval '30 minutes' THEN next_at END, created_at, now()
      FROM (
        SELECT s.id, s.owner_id, s.created_at, a.action, a.tz, format('%s %s * * *', a.m, a.h) AS cron,
               CASE WHEN (date_trunc('day', now() AT TIME ZONE a.tz) + make_interval(hours => a.h, mins => a.m)) AT TIME ZONE a.tz > now()
                    THEN (date_trunc('day', now() AT TIME ZONE a.tz) + make_interval(hours => a.h, mins => a.m)) AT TIME ZONE a.tz
                    ELSE (date_trunc('day', now() AT TIME ZONE a.tz) + interval '1 day' + make_interval(hours => a.h, mins => a.m)) AT TIME ZONE a.tz
               END AS next_at
        FROM (SELECT id, owner_id, created_at, row_number() OVER (ORDER BY id) AS r FROM servers) s
        CROSS JOIN LATERAL (VALUES
          ('start', (s.r * 7 % 60)::int, (6 + s.r % 4)::int, ($1::text[])[1 + s.r % $2]),
          ('stop', (s.r * 11 % 60)::int, (20 + s.r % 4)::int, ($1::text[])[1 + s.r % $2])
        ) AS a(action, m, h, tz)
      ) x`,
      [ZONES, ZONES.length],
    );
    await db.query('COMMIT');
    await db.query('ANALYZE');

    const counts = (
      await db.query(`SELECT
      (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM servers) AS servers,
      (SELECT count(*)::int FROM server_schedules) AS schedules, (SELECT count(*)::int FROM api_keys) AS api_keys,
      (SELECT count(*)::int FROM users u WHERE credits <> (SELECT coalesce(sum(amount), 0) FROM credit_transactions t WHERE t.user_id = u.id)) AS ledger_mismatches`)
    ).rows[0];
    if (counts.ledger_mismatches !== 0) {
      throw new Error(`Seeding broke the ledger invariant for ${counts.ledger_mismatches} users`);
    }
    const token = (n) => keys[n - 1].token;
    return {
      counts,
      listToken: token(SHAPE.listUser),
      powerTokens: Array.from({ length: SHAPE.richUsers }, (_, i) => token(i + 1)),
      tokenOf: token,
    };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
}

module.exports = { SHAPE, DISCORD_BASE, startDatabase, seed };
