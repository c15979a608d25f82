'use strict';
// `npm run bench`: embedded PostgreSQL, seeded data, agis and a bare baseline under autocannon,
// the scheduler under load; prints tables and writes bench/results/<timestamp>.json.
//
// Environment (all optional):
//   BENCH_SECONDS=6      length of one measured run
//   BENCH_ROUNDS=3       interleaved agis/baseline rounds per endpoint
//   BENCH_CONNECTIONS=16 concurrent keep-alive connections
//   BENCH_ONLY=rest,power,extra,scheduler,boot   parts to run (default: all)
//   BENCH_EXTRA=tracing,discord  scenario files of the extra part to run (default: all bench/*.bench.*)
//   BENCH_CPU_PROF=1     profile the agis API process (node --cpu-prof) and print where its time goes
//   BENCH_FLOOR=0        skip the bare NestJS + Express app doing the baseline's SQL (bench/nest-floor-server.js; on by default: a target)
const { cpus, tmpdir, totalmem } = require('node:os');
const { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { Pool } = require('pg');
const { app } = require('./app');
const { DISCORD_BASE, SHAPE, seed, startDatabase } = require('./seed');
const { checkSameAnswers, compareWithBaseline, powerPairs, startAgis, startBaseline, startFloor } = require('./http-scenarios');
const { runExtraScenarios } = require('./extra-scenarios');
const { load } = require('./load');
const { rssMiB, sampleRss, sleep, stopChild } = require('./processes');
const { burst, burstReplicas, pickServers, steadyLateness } = require('./scheduler-scenarios');
const { coldStart } = require('./boot-scenario');
const { summarize } = require('./profile-summary');
const { render, writeJson } = require('./report');
const { loadConfig } = app('src/config/app-config');

const PARTS = ['rest', 'power', 'extra', 'scheduler', 'boot'];
const intEnv = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === '') {
    return def;
  }
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new Error(`${name} must be a positive whole number (got "${v}")`);
  }
  return Number(v);
};

const flagEnv = (name) => ['1', 'true', 'yes'].includes(String(process.env[name] ?? '').toLowerCase());

function options() {
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((p) => !PARTS.includes(p));
  if (unknown.length) {
    throw new Error(`BENCH_ONLY entries must be among ${PARTS.join(', ')} (got ${unknown.join(', ')})`);
  }
  return {
    seconds: intEnv('BENCH_SECONDS', 6),
    rounds: intEnv('BENCH_ROUNDS', 3),
    connections: intEnv('BENCH_CONNECTIONS', 16),
    parts: only.length ? only : PARTS,
    cpuProf: flagEnv('BENCH_CPU_PROF'),
    withFloor: !['0', 'false', 'no'].includes(String(process.env.BENCH_FLOOR ?? '1').toLowerCase()),
  };
}

function machine() {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpus: cpus().length,
    cpuModel: model.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}

const log = (msg) => console.log(msg);

async function main() {
  const began = Date.now();
  const opts = options();
  const run = (part) => opts.parts.includes(part);
  const results = { machine: machine(), options: opts, seed: null, rest: null, power: null, extra: [], rss: {}, scheduler: null, profile: null };
  // Undo steps, run last-first on the way out (also on Ctrl-C) so no postgres or agis is left behind.
  const undo = [];
  const cleanup = async () => {
    while (undo.length) {
      await undo
        .pop()()
        .catch((err) => console.error(`cleanup: ${err instanceof Error ? err.message : err}`));
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => void cleanup().then(() => process.exit(130)));
  }

  try {
    log('Starting embedded PostgreSQL (fsync off, temporary data dir)');
    const db = await startDatabase(() => undefined);
    undo.push(() => db.stop());
    const seedStart = Date.now();
    log(`Seeding ${SHAPE.users} users, ${SHAPE.servers} servers, ${SHAPE.servers * SHAPE.schedulesPerServer} schedules`);
    const seeded = await seed(db.url);
    results.seed = { counts: seeded.counts, seconds: (Date.now() - seedStart) / 1000, shape: SHAPE };
    log(`  seeded in ${results.seed.seconds.toFixed(1)} s`);
    const pg = new Pool({ connectionString: db.url, max: 2 });
    undo.push(() => pg.end());

    if (run('rest') || run('power')) {
      const profDir = opts.cpuProf ? mkdtempSync(join(tmpdir(), 'agis-bench-prof-')) : undefined;
      const spawnedAt = Date.now();
      const agis = await startAgis(db.url, { cpuProfDir: profDir });
      undo.push(() => stopChild(agis.child));
      await sleep(2000);
      results.rss.idle = rssMiB(agis.child.pid);
      const peaks = [];
      const loadFromMs = Date.now() - spawnedAt;

      if (run('rest')) {
        const baseline = await startBaseline(db.url);
        undo.push(() => stopChild(baseline.child));
        const floor = opts.withFloor ? await startFloor(db.url) : undefined;
        undo.push(() => stopChild(floor?.child));
        await checkSameAnswers(agis.url, [baseline.url, ...(floor ? [floor.url] : [])], seeded.listToken);
        log(`REST: agis vs baseline${floor ? ' and Nest floor' : ''}, ${opts.rounds} rounds × ${opts.seconds} s, ${opts.connections} connections`);
        results.rest = await compareWithBaseline({ agis, baseline, floor, token: seeded.listToken, ...opts, log });
        peaks.push(results.rest.peakRss);
        await stopChild(baseline.child);
        await stopChild(floor?.child);
      }
      if (run('power')) {
        const { rows } = await pg.query(
          `SELECT s.id, (u.discord_id::bigint - $1::bigint)::int AS n FROM servers s JOIN users u ON u.id = s.owner_id
           WHERE u.discord_id::bigint BETWEEN $1::bigint + 1 AND $1::bigint + $2 ORDER BY s.id`,
          [String(DISCORD_BASE), SHAPE.richUsers],
        );
        const pool = rows.map((r) => ({ id: r.id, token: seeded.tokenOf(r.n) }));
        log(`Power: start/stop pairs over ${pool.length} servers`);
        const power = await powerPairs({ agis, pool, ...opts });
        results.power = { ...power, servers: pool.length, owners: SHAPE.richUsers };
        peaks.push(power.peakRss);
        log(
          `  ${power.result.rps.toFixed(0)} req/s, p50 ${power.result.p50} ms, p99 ${power.result.p99} ms, ` +
            `errors ${power.result.errors}, 409 ${power.result.expectedNon2xx}`,
        );
      }
      results.rss.peak = Math.max(...peaks, results.rss.idle ?? 0);
      results.rss.afterLoad = rssMiB(agis.child.pid);
      await stopChild(agis.child);
      if (profDir) {
        // Boot (module loading, DI) is left out: the profile covers the measured load.
        const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
        results.profile = file ? summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')), 30, loadFromMs) : null;
        if (file) {
          // Kept beside the results (git-ignored) for Chrome DevTools or speedscope.
          mkdirSync(join(__dirname, 'results'), { recursive: true });
          results.profile.file = join(__dirname, 'results', `${results.machine.date.replace(/[:.]/g, '-')}.cpuprofile`);
          copyFileSync(join(profDir, file), results.profile.file);
          log(`CPU profile kept in ${results.profile.file}`);
        }
        rmSync(profDir, { recursive: true, force: true });
      }
    }

    if (run('scheduler')) {
      // The scheduler child runs with the app's defaults; report them with the numbers.
      const defaults = loadConfig({});
      const config = { tickMs: defaults.SCHEDULER_TICK_MS, batch: defaults.SCHEDULER_BATCH_SIZE, concurrency: defaults.SCHEDULER_CONCURRENCY };
      log('Scheduler: agis with AGIS_ROLES=scheduler');
      // The reconciler runs at boot; later passes would stop the burst's servers (running in the
      // database, not in this process's simulator) before their schedules do.
      const scheduler = await startAgis(db.url, { roles: 'scheduler', env: { RECONCILE_INTERVAL_MS: '3600000' } });
      undo.push(() => stopChild(scheduler.child));
      const rss = sampleRss(scheduler.child.pid);
      const singlePortGames = app('src/servers/catalog/game-catalog')
        .BUILT_IN_GAMES.filter((g) => g.ports.length === 1)
        .map((g) => g.key);
      const servers = await pickServers(pg, DISCORD_BASE, SHAPE.heavyUsers, 11_000, singlePortGames);
      const steady = await steadyLateness({ db: pg, ids: servers.slice(0, 1_000).map((s) => s.startId), log });
      const burstResult = await burst({ db: pg, servers: servers.slice(1_000), log });
      results.scheduler = { config, steady, burst: burstResult, peakRss: rss.stop() };
      await stopChild(scheduler.child);

      // The same 10,000 servers again, on three replicas sharing the database (each its own PORT, see startAgis).
      log('Scheduler: three agis processes with AGIS_ROLES=scheduler on one database');
      const replicas = [];
      for (let i = 0; i < 3; i++) {
        const replica = await startAgis(db.url, { roles: 'scheduler', env: { RECONCILE_INTERVAL_MS: '3600000' } });
        undo.push(() => stopChild(replica.child));
        replicas.push(replica);
      }
      const rss3 = replicas.map((r) => sampleRss(r.child.pid));
      results.scheduler.burst3 = await burstReplicas({ db: pg, servers: servers.slice(1_000), replicas: replicas.length, log });
      results.scheduler.burst3.peakRss = Math.max(...rss3.map((r) => r.stop()));
      await Promise.all(replicas.map((r) => stopChild(r.child)));
    }

    if (run('boot')) {
      log('Boot: cold start on an existing data dir');
      results.boot = await coldStart({ log });
    }

    // Last: extra scenario files may add data (the leaderboard adds a million users) that would change
    // what the scenarios above measure.
    if (run('extra')) {
      const agis = await startAgis(db.url);
      undo.push(() => stopChild(agis.child));
      results.extra = await runExtraScenarios({
        agisUrl: agis.url,
        databaseUrl: db.url,
        token: seeded.listToken,
        tokenOf: seeded.tokenOf,
        seconds: opts.seconds,
        connections: opts.connections,
        rounds: opts.rounds,
        load,
        log,
      });
      await stopChild(agis.child);
    }

    results.totalSeconds = (Date.now() - began) / 1000;
    console.log(`\n${render(results)}\n`);
    log(`Results written to ${writeJson(results)}`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
