'use strict';
/**
 * Tracing cost: the REST ratio (agis req/s over the bare baseline's, as in the REST table) with tracing off (the
 * seeded agis the runner started: no OTEL_EXPORTER_OTLP_ENDPOINT, no SDK loaded) and with tracing on (a second agis
 * exporting every request's spans over OTLP/HTTP to a collector stub that answers 200). Off, on and baseline run
 * interleaved, reversing the order each round, on the same database. The SDK's defaults apply (batches of 512
 * spans every 5 s, a 2048-span queue: past that the SDK drops spans, as a real deployment would).
 *
 * Runs from `npm run bench` (part `extra`); only this file: BENCH_ONLY=extra BENCH_EXTRA=tracing npm run bench.
 */
const { createServer } = require('node:http');
const { ENDPOINTS, startAgis, startBaseline } = require('./http-scenarios');
const { combine } = require('./load');
const { stopChild } = require('./processes');

/** Accepts OTLP/HTTP JSON trace exports and counts the spans (OTLP spec: 200 with an ExportTraceServiceResponse). */
async function startCollectorStub() {
  const stub = { spans: 0, exports: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) {
            stub.spans += (ss.spans ?? []).length;
          }
        }
        stub.exports++;
      } catch {
        // counted as nothing: the cost measured is agis's, not the stub's
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${server.address().port}`;
  stub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return stub;
}

async function run(ctx) {
  const stub = await startCollectorStub();
  const traced = await startAgis(ctx.databaseUrl, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: stub.url } });
  const baseline = await startBaseline(ctx.databaseUrl);
  try {
    const headers = { authorization: `Bearer ${ctx.token}` };
    const sides = {
      off: { url: ctx.agisUrl },
      on: { url: traced.url, pid: traced.child.pid },
      baseline: { url: baseline.url, pid: baseline.child.pid },
    };
    const names = Object.keys(sides);
    const rows = [];
    for (const e of ENDPOINTS) {
      for (const side of names) {
        await ctx.load({ url: sides[side].url, path: e.path, headers, seconds: 3, connections: ctx.connections }); // warm-up
      }
      const runs = Object.fromEntries(names.map((n) => [n, []]));
      for (let round = 0; round < ctx.rounds; round++) {
        for (const side of round % 2 === 0 ? names : [...names].reverse()) {
          runs[side].push(await ctx.load({ url: sides[side].url, path: e.path, headers, seconds: ctx.seconds, connections: ctx.connections }));
        }
      }
      const r = Object.fromEntries(names.map((n) => [n, combine(runs[n])]));
      for (const side of ['off', 'on']) {
        rows.push({
          scenario: `${e.name}, tracing ${side}`,
          rps: r[side].rps,
          p50: r[side].p50,
          p99: r[side].p99,
          errors: r[side].errors,
          notes:
            `REST ratio ${(r[side].rps / r.baseline.rps).toFixed(2)} (baseline ${r.baseline.rps.toFixed(0)} req/s)` +
            (side === 'on' ? `; ${(r.on.rps / r.off.rps).toFixed(2)} of tracing off` : ''),
        });
      }
      ctx.log(`  ${e.name}: off ${r.off.rps.toFixed(0)}, on ${r.on.rps.toFixed(0)}, baseline ${r.baseline.rps.toFixed(0)} req/s`);
    }
    ctx.log(`  collector stub received ${stub.spans} spans in ${stub.exports} exports`);
    rows.push({
      scenario: 'tracing on: spans exported',
      rps: NaN,
      p50: NaN,
      p99: NaN,
      errors: 0,
      notes: `${stub.spans} spans in ${stub.exports} OTLP/HTTP exports`,
    });
    return rows;
  } finally {
    await stopChild(traced.child);
    await stopChild(baseline.child);
    await stub.close();
  }
}

module.exports = { run };
