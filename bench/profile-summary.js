'use strict';
// Summarises a V8 .cpuprofile (node --cpu-prof) as self time per function and per package.
//   node bench/profile-summary.js path/to/file.cpuprofile [topN] [skipFirstMs]
const { readFileSync } = require('node:fs');

/** Which package a script belongs to: node_modules/<pkg>, the app (dist/…), node internals or V8. */
function packageOf(url) {
  if (!url) {
    return '(v8/native)';
  }
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    return m[1];
  }
  if (url.startsWith('node:')) {
    return 'node:internal';
  }
  const app = /\/dist\/(src|migrations)\/(.+)$/.exec(url);
  return app ? `agis ${app[1]}/${app[2].split('/')[0]}` : url;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/**
 * Busy time (idle left out) per function (self time) and per package. Time in Node's own code (streams,
 * http, timers, crypto) is charged to the package that called into it, so `pg` includes its socket
 * writes and `express` its response writes. `skipFirstMs` leaves out the boot (module loading, DI).
 */
function summarize(profile, top = 25, skipFirstMs = 0) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const selfUs = new Map();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < skipFirstMs * 1000) {
      continue;
    }
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const owner = (id) => {
    const name = byId.get(id).callFrame.functionName;
    if (SPECIAL.has(name)) {
      return name;
    }
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const url = byId.get(cur).callFrame.url;
      if (url && !url.startsWith('node:')) {
        return packageOf(url);
      }
    }
    return packageOf(byId.get(id).callFrame.url);
  };
  const fns = new Map();
  const pkgs = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    if (f.functionName === '(idle)') {
      continue;
    }
    total += us;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = owner(id);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
  return { totalMs: Math.round(total / 1000), functions: rank(fns), packages: rank(pkgs) };
}

function print(summary, log = console.log) {
  log(`CPU profile: ${summary.totalMs} ms busy`);
  log('  self time by package:');
  for (const p of summary.packages) {
    log(`    ${String(p.pct).padStart(5)}%  ${p.name}`);
  }
  log('  top functions by self time:');
  for (const f of summary.functions) {
    log(`    ${String(f.pct).padStart(5)}%  ${f.name}`);
  }
}

if (require.main === module) {
  const [file, top, skip] = process.argv.slice(2);
  print(summarize(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25), Number(skip ?? 0)));
}

module.exports = { summarize, print };
