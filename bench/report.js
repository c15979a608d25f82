'use strict';
// Prints the results as plain tables (also pasted into bench/README.md) and writes them as JSON.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { targets } = require('./targets');

const num = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const ms = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms` : '-');

/** A Markdown table, so the printed output can go straight into bench/README.md. */
function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map(String));
  const width = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
  return [line(cells[0]), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

/** One scheduler scenario as a table row; `timed: false` for a scenario spread over a window (no total or rate). */
function schedulerRow(label, x, { timed = true } = {}) {
  return [
    label,
    `${x.executed}/${x.schedules}`,
    ms(x.latenessMs.p50),
    ms(x.latenessMs.p99),
    ms(x.latenessMs.max),
    timed ? `${num(x.totalSeconds, 1)} s` : '-',
    timed ? `${num(x.perSecond)} runs/s` : '-',
    JSON.stringify(x.statuses),
  ];
}

function render(r) {
  const out = [];
  const o = r.options;
  out.push(`Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.date}`);
  out.push(
    `Data: ${r.seed.counts.users} users, ${r.seed.counts.servers} servers, ${r.seed.counts.schedules} schedules, ` +
      `${r.seed.counts.api_keys} API keys (seeded in ${num(r.seed.seconds, 1)} s)`,
  );
  if (r.rest) {
    out.push(
      '',
      `REST, agis vs bare baseline (node:http + pg, same SQL): ${o.rounds} interleaved rounds × ${o.seconds} s, ${o.connections} connections`,
      '',
    );
    out.push(
      table(
        [
          'endpoint',
          'agis req/s',
          'agis p50',
          'agis p99',
          'agis errors',
          'agis CPU/req',
          'baseline req/s',
          'baseline p50',
          'baseline p99',
          'baseline CPU/req',
          'agis/baseline req/s',
        ],
        r.rest.rows.map((x) => [
          x.endpoint,
          num(x.agis.rps),
          ms(x.agis.p50),
          ms(x.agis.p99),
          x.agis.errors,
          ms(x.agis.cpuMsPerRequest),
          num(x.baseline.rps),
          ms(x.baseline.p50),
          ms(x.baseline.p99),
          ms(x.baseline.cpuMsPerRequest),
          `${num(x.ratio, 2)} (rounds ${x.roundRatios.map((v) => num(v, 2)).join(', ')})`,
        ]),
      ),
    );
    out.push('', 'CPU/req: CPU time (user + system) of the server process per request, from /proc/<pid>/stat.');
    if (r.rest.rows[0].floor) {
      out.push('', "Framework floor: NestJS + Express, one guard, the baseline's SQL, none of agis's other layers (bench/nest-floor-server.js)", '');
      out.push(
        table(
          ['endpoint', 'floor req/s', 'floor p50', 'floor p99', 'floor CPU/req', 'floor/baseline req/s', 'agis/floor req/s'],
          r.rest.rows.map((x) => [
            x.endpoint,
            num(x.floor.rps),
            ms(x.floor.p50),
            ms(x.floor.p99),
            ms(x.floor.cpuMsPerRequest),
            num(x.floorRatio, 2),
            num(x.agis.rps / x.floor.rps, 2),
          ]),
        ),
      );
    }
  }
  if (r.power) {
    const p = r.power.result;
    out.push(
      '',
      `Power actions on agis: alternating start/stop over ${r.power.servers} servers of ${r.power.owners} owners, Idempotency-Key on each`,
      '',
    );
    out.push(
      table(
        ['scenario', 'req/s', 'p50', 'p99', 'errors', '409 (racing states)', 'statuses'],
        [
          [
            'POST /api/v1/servers/:id/start|stop',
            num(p.rps),
            ms(p.p50),
            ms(p.p99),
            p.errors,
            p.expectedNon2xx,
            Object.entries(p.byStatus)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', '),
          ],
        ],
      ),
    );
  }
  if (r.extra?.length) {
    out.push('', 'More scenarios (bench/*.bench.ts)', '');
    out.push(
      table(
        ['scenario', 'req/s', 'p50', 'p99', 'errors', 'notes'],
        r.extra.map((x) => [x.scenario, num(x.rps), ms(x.p50), ms(x.p99), Number.isFinite(x.errors) ? x.errors : '-', x.notes ?? '']),
      ),
    );
  }
  if (r.rss.idle !== undefined && r.rss.idle !== null) {
    out.push('', 'agis API process memory (VmRSS)', '');
    out.push(
      table(
        ['idle after boot', 'peak under load', 'after load'],
        [[`${num(r.rss.idle)} MiB`, `${num(r.rss.peak)} MiB`, `${num(r.rss.afterLoad)} MiB`]],
      ),
    );
  }
  if (r.scheduler) {
    const s = r.scheduler.steady;
    const b = r.scheduler.burst;
    out.push(
      '',
      `Scheduler (agis with AGIS_ROLES=scheduler, LocalAgones; tick ${r.scheduler.config.tickMs} ms, batch ${r.scheduler.config.batch}, concurrency ${r.scheduler.config.concurrency})`,
      '',
    );
    out.push(
      table(
        ['scenario', 'executed', 'lateness p50', 'lateness p99', 'lateness max', 'total', 'rate', 'statuses'],
        [
          schedulerRow(`${s.schedules} start schedules due over ${s.windowSeconds} s`, s, { timed: false }),
          schedulerRow(`${b.schedules} stop schedules (running servers) due at one instant`, b),
          ...(r.scheduler.burst3
            ? [
                schedulerRow(
                  `the same burst, ${r.scheduler.burst3.replicas} replicas on one database (exactly once: ${r.scheduler.burst3.exactlyOnce ? 'held' : 'BROKEN'})`,
                  r.scheduler.burst3,
                ),
              ]
            : []),
        ],
      ),
    );
    for (const e of [...(s.errors ?? []), ...(b.errors ?? [])]) {
      out.push(`failed runs: ${e.count} × ${e.message}`);
    }
    out.push('', `Scheduler process peak RSS: ${num(r.scheduler.peakRss)} MiB`);
  }
  if (r.profile) {
    out.push(
      '',
      `CPU profile of the agis API process during the REST and power scenarios (${r.profile.totalMs} ms busy), by package (Node internals charged to their caller):`,
    );
    for (const p of r.profile.packages.slice(0, 15)) {
      out.push(`  ${String(p.pct).padStart(5)}%  ${p.name}`);
    }
    out.push('top functions by self time:');
    for (const f of r.profile.functions.slice(0, 20)) {
      out.push(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
    }
  }
  if (r.boot) {
    out.push(
      '',
      `Cold start (node dist/src/main.js, embedded PostgreSQL, existing data dir) to /readyz 200: ${r.boot.seconds.map((s) => `${num(s, 2)} s`).join(', ')}`,
    );
  }
  out.push('', 'Targets (issue 19)', '');
  out.push(table(['target', 'measured', 'holds'], targets(r)));
  out.push('', `Total bench time ${num(r.totalSeconds)} s`);
  return out.join('\n');
}

function writeJson(r) {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

module.exports = { render, writeJson, table };
