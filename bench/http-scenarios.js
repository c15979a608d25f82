'use strict';
// REST scenarios: agis and the bare baseline interleaved round by round, and start/stop pairs.
const { randomUUID } = require('node:crypto');
const { join } = require('node:path');
const { app, DIST } = require('./app');
const { freePort } = app('src/database/embedded-postgres');
const { combine, load } = require('./load');
const { rssMiB, sampleRss, sleep, startNode, waitReady } = require('./processes');

const ENDPOINTS = [
  { name: 'GET /api/v1/users/me', path: '/api/v1/users/me' },
  { name: 'GET /api/v1/servers?perPage=25', path: '/api/v1/servers?perPage=25' },
];

/**
 * agis as a production-like child: API role only, warn-level logs, LocalAgones stepping fast. The rate
 * limiter still counts every request, but its limits are raised far above what one bench client sends.
 */
async function startAgis(databaseUrl, { roles = 'api', cpuProfDir, env = {} } = {}) {
  const port = await freePort();
  const args = [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), join(DIST, 'src/main.js')];
  const child = startNode(`agis (${roles})`, args, {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    AGIS_ROLES: roles,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    DEMO_SEED: 'false',
    AGONES_MODE: 'local',
    LOCAL_AGONES_STEP_MS: '20',
    WEBHOOK_SECRET_KEY: 'bench-webhook-secret-key-0123456789abcdef',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_CREATE_PER_MINUTE: '1000000000',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/readyz`, child);
  return { child, url };
}

/** A comparison server (bench/baseline-server.js or bench/nest-floor-server.js) with agis's pool size. */
async function startComparison(name, script, databaseUrl) {
  const port = await freePort();
  const child = startNode(name, [script], { DATABASE_URL: databaseUrl, PORT: String(port), POOL_SIZE: '10' });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/readyz`, child);
  return { child, url };
}

const startBaseline = (databaseUrl) => startComparison('baseline', 'bench/baseline-server.js', databaseUrl);
const startFloor = (databaseUrl) => startComparison('nest floor', 'bench/nest-floor-server.js', databaseUrl);

async function getJson(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

/** Every server must answer the same JSON for the same request, or the comparison would be meaningless. */
async function checkSameAnswers(agisUrl, otherUrls, token) {
  for (const e of ENDPOINTS) {
    const a = await getJson(agisUrl + e.path, token);
    for (const url of otherUrls) {
      const b = await getJson(url + e.path, token);
      if (a.status !== 200 || JSON.stringify(a.body) !== JSON.stringify(b.body)) {
        throw new Error(
          `${e.name}: agis and ${url} disagree\n agis  ${a.status} ${JSON.stringify(a.body).slice(0, 600)}\n other ${b.status} ${JSON.stringify(b.body).slice(0, 600)}`,
        );
      }
    }
  }
}

/**
 * Runs every endpoint against agis and the baseline (and the Nest floor when given), one after the
 * other, reversing the order every round, so slow drifts of the machine (other processes, thermal)
 * hit every side alike.
 */
async function compareWithBaseline({ agis, baseline, floor, token, rounds, seconds, connections, log }) {
  const headers = { authorization: `Bearer ${token}` };
  const sides = { agis, baseline, ...(floor ? { floor } : {}) };
  const names = Object.keys(sides);
  const runs = Object.fromEntries(ENDPOINTS.map((e) => [e.name, Object.fromEntries(names.map((n) => [n, []]))]));
  for (const e of ENDPOINTS) {
    // Warm-up: JIT, connection pools and Postgres caches, for every side; not recorded. agis has far
    // more code for V8 to optimise than the baseline, so a short warm-up would charge it compile time.
    for (const t of Object.values(sides)) {
      await load({ url: t.url, path: e.path, headers, seconds: 5, connections });
    }
  }
  const rss = sampleRss(agis.child.pid);
  for (let round = 0; round < rounds; round++) {
    for (const e of ENDPOINTS) {
      for (const side of round % 2 === 0 ? names : [...names].reverse()) {
        const t = sides[side];
        const r = await load({ url: t.url, path: e.path, headers, seconds, connections, pid: t.child.pid });
        runs[e.name][side].push(r);
        log(
          `  round ${round + 1}/${rounds} ${e.name} ${side.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
            `cpu ${r.cpuMsPerRequest.toFixed(2)} ms/req  errors ${r.errors}`,
        );
      }
    }
  }
  const peakRss = rss.stop();
  const rows = ENDPOINTS.map((e) => {
    const side = Object.fromEntries(names.map((n) => [n, combine(runs[e.name][n])]));
    const roundRatios = runs[e.name].agis.map((r, i) => r.rps / runs[e.name].baseline[i].rps);
    return {
      endpoint: e.name,
      ...side,
      ratio: side.agis.rps / side.baseline.rps,
      roundRatios,
      cpuRatio: side.agis.cpuMsPerRequest / side.baseline.cpuMsPerRequest,
      ...(side.floor ? { floorRatio: side.floor.rps / side.baseline.rps } : {}),
    };
  });
  return { rows, peakRss };
}

/**
 * POST start/stop pairs: each request takes the next server of the rich owners' pool and asks for
 * the opposite of what it last asked for that server. A start can meet a server still stopping
 * (409 CONFLICT/INVALID_TRANSITION): that race is expected and counted apart from errors.
 */
async function powerPairs({ agis, pool, seconds, connections, rounds }) {
  const lastAction = new Map();
  let next = 0;
  const requests = [
    {
      method: 'POST',
      setupRequest: (req) => {
        const s = pool[next++ % pool.length];
        const action = lastAction.get(s.id) === 'start' ? 'stop' : 'start';
        lastAction.set(s.id, action);
        return {
          ...req,
          method: 'POST',
          path: `/api/v1/servers/${s.id}/${action}`,
          headers: { authorization: `Bearer ${s.token}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
          body: '{}',
        };
      },
    },
  ];
  await load({ url: agis.url, requests, seconds: 2, connections, expected: ['409'] });
  const rss = sampleRss(agis.child.pid);
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    runs.push(await load({ url: agis.url, requests, seconds, connections, expected: ['409'], pid: agis.child.pid }));
    // Let the GameServers settle so each round starts from similar states.
    await sleep(500);
  }
  return { result: combine(runs), peakRss: rss.stop() };
}

module.exports = { ENDPOINTS, startAgis, startBaseline, startFloor, checkSameAnswers, compareWithBaseline, powerPairs, rssMiB };
