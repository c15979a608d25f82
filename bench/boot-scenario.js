'use strict';
// Cold start: the time from starting agis as `npm start` does (node dist/src/main.js, embedded defaults: no
// DATABASE_URL, every role) on a data folder that already exists until /readyz answers 200. A first start
// prepares the folder (initdb, migrations) and is not timed; then `rounds` timed starts, each stopped with SIGTERM.
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { DIST, app } = require('./app');
const { rssMiB, sleep, startNode, stopChild, waitReady } = require('./processes');

const { freePort } = app('src/database/embedded-postgres');

async function startOnce(dataDir) {
  const port = await freePort();
  const began = process.hrtime.bigint();
  const child = startNode('agis (npm start)', [join(DIST, 'src/main.js')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  });
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, child, 120_000, 20);
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    await sleep(2000);
    return { seconds, idleRss: rssMiB(child.pid) };
  } finally {
    await stopChild(child);
  }
}

/** Cold starts to /readyz 200 on an existing data folder: each round's seconds, and the idle RSS of that process (all roles). */
async function coldStart({ rounds = 3, log }) {
  const root = mkdtempSync(join(tmpdir(), 'agis-bench-boot-'));
  // embedded-postgres runs as user postgres when we are root: it must be able to reach its data folder.
  chmodSync(root, 0o755);
  try {
    const dataDir = join(root, 'data');
    await startOnce(dataDir);
    const runs = [];
    for (let i = 0; i < rounds; i++) {
      runs.push(await startOnce(dataDir));
    }
    const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
    const result = { rounds: runs.length, seconds, median: seconds[Math.floor(seconds.length / 2)], idleRssAllRoles: runs.map((r) => r.idleRss) };
    log(`  cold start to /readyz: ${seconds.map((s) => `${s.toFixed(2)} s`).join(', ')} (median ${result.median.toFixed(2)} s)`);
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { coldStart };
