'use strict';
// Which compiled app the bench measures. By default a snapshot of ./dist taken when the bench starts
// (under bench/results/, so node_modules still resolves), because the run spawns agis processes for
// minutes and a `nest build` meanwhile (npm test, a developer) deletes and rewrites ./dist.
// BENCH_DIST=<dir> measures another build as it is. Scenario files and child processes see the choice
// in BENCH_DIST.
const { cpSync, existsSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = join(__dirname, '..');

function snapshot() {
  const source = join(ROOT, 'dist');
  if (!existsSync(join(source, 'src', 'main.js'))) {
    throw new Error(`No build in ${source}: run \`npm run build\` first (npm run bench does)`);
  }
  const target = join(__dirname, 'results', `.app-${process.pid}`);
  cpSync(source, target, { recursive: true });
  process.once('exit', () => rmSync(target, { recursive: true, force: true }));
  return target;
}

const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : snapshot();
process.env.BENCH_DIST = DIST;

/** require() of a compiled app module, e.g. app('src/auth/api-key-token'). */
const app = (path) => require(join(DIST, path));

module.exports = { ROOT, DIST, app };
