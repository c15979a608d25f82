'use strict';
/**
 * Discord: interaction-to-first-response latency of `/credits` and `/servers list`, through the fake
 * Discord (test/fakes), measured from dispatching INTERACTION_CREATE on the gateway to the bot's
 * first interaction callback on the REST API. The bot is the compiled agis (`dist/src/main.js`) in
 * the `bot` role, in its own process, as it runs in production.
 *
 * Standalone, after `npm run build`:
 *   node bench/discord.bench.js
 *   BENCH_DISCORD_ITERATIONS=200  measured interactions per command
 *   BENCH_DISCORD_CONCURRENCY=4   interactions in flight at once
 *   DATABASE_URL=postgres://…     use this database (default: an embedded PostgreSQL in a temporary folder)
 *   BENCH_DIST=path               measure another build than ./dist
 * It prints a table, then the rows as one JSON line.
 *
 * From `npm run bench`: bench/extra-scenarios.js loads every bench/*.bench.{ts,js} and calls
 * `run(ctx)` (contract in bench/bench.types.ts); this file uses ctx.databaseUrl and ctx.log and
 * returns ScenarioRow[] ({scenario, rps, p50, p99, errors, notes}; latencies in ms).
 *
 * The fake Discord and bench/discord-latency.ts are TypeScript outside dist: they are compiled on
 * load with @swc/core (a dev dependency), the same way the runner loads *.bench.ts files.
 */
const { spawn } = require('node:child_process');
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { performance } = require('node:perf_hooks');

const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(__dirname, '..', 'dist');
const TOKEN = 'bench-token';
/** Servers the bench user owns, so `/servers list` reads and renders a realistic page. */
const SERVERS = 10;
/** The error embed colour (src/discord/embeds.ts COLORS.error): a reply in it is a failed command. */
const ERROR_COLOR = 0xed4245;
/** Discord drops an interaction not answered within 3 s of its creation (docs: "Receiving and Responding", interaction token). */
const DISCORD_DEADLINE_MS = 3000;

function registerTypeScript() {
  if (require.extensions['.ts']) {
    return;
  }
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformFileSync(filename, {
      jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
      swcrc: false,
    });
    module._compile(code, filename);
  };
}

function positiveInt(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    return fallback;
  }
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new Error(`${name} must be a positive whole number (got "${v}")`);
  }
  return Number(v);
}

/** Starts `dist/src/main.js` in the bot role against the fake; resolves once necord registered the commands. */
async function startBot(fake, databaseUrl) {
  const dataDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'agis-discord-bench-'));
  if (dataDir) {
    // The embedded server runs as `postgres` when we are root and must traverse the folder.
    chmodSync(dataDir, 0o755);
  }
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'false',
    AGIS_ROLES: 'bot',
    PORT: '0',
    HOST: '127.0.0.1',
    AGONES_MODE: 'local',
    LOCAL_AGONES_STEP_MS: '20',
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_DEV_GUILD_ID: fake.guildId,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, WEBHOOK_SECRET_KEY: 'bench-webhook-secret-key-0123456789abcdef' } : { DATA_DIR: dataDir }),
  };
  const child = spawn(process.execPath, [join(DIST, 'src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (chunk) => {
    output.push(String(chunk));
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    await Promise.race([
      fake.waitForCommands(120_000),
      exited.then(({ code, signal }) => {
        throw new Error(`the bot exited (${signal ?? code}) before registering its commands`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : err}\n${output.join('').slice(-3000)}`, { cause: err });
  }
  return { stop };
}

/** Measures one command: every first response is timed, and any error reply counts as an error. */
async function measure(fake, user, command, opts) {
  const { measureFirstResponse } = require('./discord-latency.ts');
  const handles = [];
  const send = () => {
    const handle = fake.sendCommand({ user, ...command });
    handles.push(handle);
    return handle;
  };
  const began = performance.now();
  const summary = await measureFirstResponse(send, { iterations: opts.iterations, concurrency: opts.concurrency, warmup: 0, timeoutMs: 10_000 });
  const seconds = (performance.now() - began) / 1000;
  const errors = handles.filter((h) => h.responses[0]?.embeds?.[0]?.color === ERROR_COLOR).length;
  return { summary, seconds, errors };
}

async function expectAnswer(fake, input, check) {
  const final = await fake.sendCommand(input).final(30_000);
  const embed = final.embeds[0] ?? {};
  if (embed.color === ERROR_COLOR || !check(embed)) {
    throw new Error(`/${[input.name, input.subcommand].filter(Boolean).join(' ')} answered ${JSON.stringify(embed).slice(0, 300)}`);
  }
}

/**
 * The scenario: returns one row per command. `databaseUrl` may be a seeded bench database (the
 * bench user is new, so seeded rows only make the tables realistic) or undefined for a fresh one.
 */
async function measureDiscord({ databaseUrl, log = () => undefined, iterations, concurrency }) {
  registerTypeScript();
  const { FakeDiscord } = require('../test/fakes/fake-discord.ts');
  const { fakeUser } = require('../test/fakes/fake-discord-payloads.ts');
  const fake = await FakeDiscord.start({ token: TOKEN });
  let bot;
  try {
    log('  starting agis in the bot role against the fake Discord');
    bot = await startBot(fake, databaseUrl);
    const user = fakeUser('bench');
    await expectAnswer(fake, { user, name: 'credits' }, (e) => (e.fields ?? []).some((f) => f.name === 'GameCredits'));
    for (let i = 1; i <= SERVERS; i += 1) {
      await expectAnswer(
        fake,
        { user, name: 'servers', subcommand: 'create', options: { name: `bench-${i}`, game: 'minecraft', start: false } },
        (e) => e.title === `bench-${i}`,
      );
    }
    await expectAnswer(fake, { user, name: 'servers', subcommand: 'list' }, (e) => (e.description ?? '').split('\n').length === SERVERS);
    // Warm both paths (JIT, connection pool, prepared plans) before anything is timed.
    for (let i = 0; i < 20; i += 1) {
      await fake.sendCommand({ user, name: 'credits' }).reply(10_000);
      await fake.sendCommand({ user, name: 'servers', subcommand: 'list' }).reply(10_000);
    }
    const rows = [];
    for (const [label, command] of [
      ['/credits', { name: 'credits' }],
      ['/servers list', { name: 'servers', subcommand: 'list' }],
    ]) {
      log(`  ${label}: ${iterations} interactions, ${concurrency} in flight`);
      const { summary, seconds, errors } = await measure(fake, user, command, { iterations, concurrency });
      rows.push({
        scenario: `discord ${label} (interaction → first response)`,
        rps: Math.round((summary.samples / seconds) * 10) / 10,
        p50: Math.round(summary.p50 * 100) / 100,
        p99: Math.round(summary.p99 * 100) / 100,
        errors,
        notes:
          `${summary.samples} interactions, ${concurrency} in flight, max ${summary.max.toFixed(1)} ms` +
          ` (Discord's 3 s deadline for a first response: ${summary.max < DISCORD_DEADLINE_MS ? 'held' : 'MISSED'}); fake gateway → bot process → fake REST callback`,
      });
    }
    return rows;
  } finally {
    await bot?.stop();
    await fake.close();
  }
}

/** Entry point of `npm run bench` (bench/bench.types.ts: BenchScenario). */
async function run(ctx) {
  return measureDiscord({
    databaseUrl: ctx.databaseUrl,
    log: ctx.log,
    iterations: positiveInt('BENCH_DISCORD_ITERATIONS', 200),
    concurrency: positiveInt('BENCH_DISCORD_CONCURRENCY', 4),
  });
}

module.exports = { run, measureDiscord };

if (require.main === module) {
  const opts = {
    databaseUrl: process.env.DATABASE_URL || undefined,
    log: (m) => console.log(m),
    iterations: positiveInt('BENCH_DISCORD_ITERATIONS', 200),
    concurrency: positiveInt('BENCH_DISCORD_CONCURRENCY', 4),
  };
  measureDiscord(opts)
    .then((rows) => {
      console.log('\nscenario                                              p50 ms   p99 ms   per s  errors');
      for (const r of rows) {
        console.log(
          `${r.scenario.padEnd(52)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.rps).padStart(7)} ${String(r.errors).padStart(7)}`,
        );
      }
      console.log(JSON.stringify(rows));
    })
    .catch((err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
    });
}
