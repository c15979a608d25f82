'use strict';
// One autocannon run, summarised as the numbers the report prints.
const autocannon = require('autocannon');
const { cpuSeconds } = require('./processes');

/**
 * Runs autocannon against `url` for `seconds` with `connections` keep-alive connections.
 * `requests` (optional) are autocannon request objects, e.g. with setupRequest for per-request paths.
 * `expected` names non-2xx statuses that are part of the scenario (e.g. racing 409s), reported apart.
 * With `pid`, the server process's CPU time per request is measured too: unlike throughput it barely
 * moves when other processes compete for the machine.
 */
function load({ url, seconds, connections, headers = {}, method = 'GET', path = '/', requests, expected = [], pid }) {
  const cpuBefore = pid ? cpuSeconds(pid) : NaN;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        method,
        headers,
        requests: requests ?? [{ method, path }],
        timeout: 10,
      },
      (err, r) => {
        if (err) {
          return reject(err);
        }
        const byStatus = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
        const expectedCount = expected.reduce((n, code) => n + (byStatus[code] ?? 0), 0);
        const cpu = pid ? cpuSeconds(pid) - cpuBefore : NaN;
        resolve({
          requests: r.requests.total,
          seconds: r.duration,
          rps: r.requests.total / r.duration,
          p50: r.latency.p50,
          p99: r.latency.p99,
          ok: r['2xx'],
          expectedNon2xx: expectedCount,
          // Unexpected non-2xx answers, connection errors and timeouts.
          errors: r.non2xx - expectedCount + r.errors + r.timeouts,
          byStatus,
          cpuSeconds: cpu,
          cpuMsPerRequest: (1000 * cpu) / r.requests.total,
        });
      },
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Folds the rounds of one scenario into one row: total throughput, median latencies, summed errors. */
function combine(runs) {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const byStatus = {};
  for (const r of runs) {
    for (const [code, n] of Object.entries(r.byStatus)) {
      byStatus[code] = (byStatus[code] ?? 0) + n;
    }
  }
  return {
    rounds: runs.length,
    requests,
    rps: requests / seconds,
    rpsPerRound: runs.map((r) => Math.round(r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMsPerRequest: (1000 * runs.reduce((n, r) => n + r.cpuSeconds, 0)) / requests,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    expectedNon2xx: runs.reduce((n, r) => n + r.expectedNon2xx, 0),
    byStatus,
  };
}

module.exports = { load, combine, median };
