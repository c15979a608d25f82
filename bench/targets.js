'use strict';
// The performance targets of issue 19, each with the value this run measured and whether it holds.

const fmt = (x, digits, unit = '') => (Number.isFinite(x) ? `${x.toFixed(digits)}${unit}` : 'not measured');

/** Rows of [target, measured, holds] for the parts this run measured (a part left out reads "not measured"). */
function targets(r) {
  const rest = (prefix) => r.rest?.rows.find((x) => x.endpoint.startsWith(prefix));
  const me = rest('GET /api/v1/users/me');
  const list = rest('GET /api/v1/servers');
  const floorRatio = (x) => (x?.floor ? x.agis.rps / x.floor.rps : NaN);
  const rows = [
    [
      'REST `GET /users/me`: agis ≥ 0.9 of the NestJS + Express floor',
      floorRatio(me),
      (v) => v >= 0.9,
      (v) => `${fmt(v, 2)} (agis/baseline ${fmt(me?.ratio, 2)})`,
    ],
    [
      'REST `GET /servers?perPage=25`: agis ≥ 0.9 of the floor',
      floorRatio(list),
      (v) => v >= 0.9,
      (v) => `${fmt(v, 2)} (agis/baseline ${fmt(list?.ratio, 2)})`,
    ],
    [
      'REST list: CPU per request ≤ 1.0 ms',
      list?.agis.cpuMsPerRequest,
      (v) => v <= 1.0,
      (v) => `${fmt(v, 2, ' ms')} (floor ${fmt(list?.floor?.cpuMsPerRequest, 2, ' ms')})`,
    ],
    ['`POST start` + `stop` pairs ≥ 432 req/s (2 × 216)', r.power?.result.rps, (v) => v >= 432, (v) => fmt(v, 0, ' req/s')],
    [
      '10,000 schedules due at once, one replica: all run within 10 s',
      r.scheduler?.burst?.totalSeconds,
      (v) => v <= 10 && r.scheduler.burst.complete,
      (v) => fmt(v, 1, ' s'),
    ],
    [
      'the same burst with three replicas: within 5 s, each exactly once',
      r.scheduler?.burst3?.totalSeconds,
      (v) => v <= 5 && r.scheduler.burst3.exactlyOnce === true,
      (v) => fmt(v, 1, ' s'),
    ],
    ['lateness p99 ≤ 500 ms at 1,000 due per minute', r.scheduler?.steady?.latenessMs.p99, (v) => v <= 500, (v) => fmt(v, 0, ' ms')],
    ['API process idle RSS ≤ 150 MiB', r.rss?.idle, (v) => v <= 150, (v) => fmt(v, 0, ' MiB')],
    ['cold `npm start` on an existing data dir to `/readyz` 200 ≤ 5 s (median)', r.boot?.median, (v) => v <= 5, (v) => fmt(v, 2, ' s')],
  ];
  return rows.map(([name, value, holds, show]) => [name, show(value), Number.isFinite(value) ? (holds(value) ? 'yes' : 'no') : '-']);
}

module.exports = { targets };
