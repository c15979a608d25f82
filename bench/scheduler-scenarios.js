'use strict';
// Scheduler scenarios (issues 4 and 19): lateness at a steady 1,000 schedules per minute, and a burst of
// 10,000 schedules due at the same instant, run by an agis process with AGIS_ROLES=scheduler; then the
// same burst on three such processes sharing the database, checked for exactly-once.
//
// LocalAgones gives every GameServer its own host port in 7000-8000, so one process simulates at most
// ~1,000 GameServers: the steady scenario starts servers (creating GameServers), the burst stops
// servers that are running in the database (the simulator holds no GameServer for them, so each
// delete finds none; the rest of a stop, lock + state change + ledger-free bookkeeping, is real).
const { median } = require('./load');
const { sleep } = require('./processes');

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/**
 * Stopped servers of ordinary users (not the REST scenarios' heavy or rich users) who can pay an hour
 * of every server they own, with their start and stop schedule. One armed schedule per server, so no
 * two runs act on the same server. Servers of games with one port come first: the steady scenario starts the
 * first 1,000, and LocalAgones has 1,001 host ports (7000-8000) for all of their GameServers.
 */
async function pickServers(db, discordBase, skipUsers, count, singlePortGames) {
  const { rows } = await db.query(
    `SELECT s.id AS server_id,
            (SELECT id FROM server_schedules WHERE server_id = s.id AND action = 'start' LIMIT 1) AS start_id,
            (SELECT id FROM server_schedules WHERE server_id = s.id AND action = 'stop' LIMIT 1) AS stop_id
     FROM servers s JOIN users u ON u.id = s.owner_id
     WHERE s.status = 'stopped' AND u.discord_id::bigint > $1::bigint + $2
       AND u.credits >= (SELECT sum(o.cost_per_hour) FROM servers o WHERE o.owner_id = u.id)
     ORDER BY s.game_type = ANY($4::text[]) DESC, s.id LIMIT $3`,
    [String(discordBase), skipUsers, count, singlePortGames],
  );
  if (rows.length < count || rows.some((r) => !r.start_id || !r.stop_id)) {
    throw new Error(`Only ${rows.length} servers with start and stop schedules qualify; the scenarios need ${count}`);
  }
  return rows.map((r) => ({ serverId: r.server_id, startId: r.start_id, stopId: r.stop_id }));
}

/** Puts servers in the state a start leaves them in once Ready: running, a GameServer name, the hour paid. */
async function markRunning(db, serverIds) {
  await db.query(
    `UPDATE servers SET status = 'running', gameserver_name = 'bench-' || left(id::text, 8), address = '127.0.0.1', port = 7000,
       billed_until = now() + interval '1 hour', start_seq = start_seq + 1, stop_reason = NULL, updated_at = now()
     WHERE id = ANY($1::uuid[])`,
    [serverIds],
  );
}

/** Arms schedules: the k-th (0-based) is due at `startsIn` + k * `stepMs` from the database's now(). */
async function arm(db, ids, startsInMs, stepMs) {
  const {
    rows: [{ first }],
  } = await db.query(
    `WITH armed AS (
       UPDATE server_schedules sc SET enabled = true, claimed_until = NULL, claimed_by = NULL,
         next_run_at = now() + make_interval(secs => ($2::double precision + (a.k - 1) * $3::double precision) / 1000)
       FROM unnest($1::uuid[]) WITH ORDINALITY AS a(id, k) WHERE sc.id = a.id
       RETURNING sc.next_run_at)
     SELECT min(next_run_at) AS first FROM armed`,
    [ids, startsInMs, stepMs],
  );
  return first;
}

/** Waits until every armed schedule has a recorded cron execution (for a slot at or after `since`) or the deadline passes. */
async function waitExecuted(db, ids, deadlineMs, onProgress, since = new Date(0)) {
  const until = Date.now() + deadlineMs;
  let done = 0;
  while (Date.now() < until) {
    ({
      rows: [{ done }],
    } = await db.query(
      `SELECT count(*)::int AS done FROM schedule_executions WHERE trigger = 'cron' AND schedule_id = ANY($1::uuid[]) AND scheduled_for >= $2`,
      [ids, since],
    ));
    onProgress?.(done);
    if (done >= ids.length) {
      return done;
    }
    await sleep(500);
  }
  return done;
}

async function executions(db, ids, since = new Date(0)) {
  const { rows } = await db.query(
    `SELECT schedule_id, status, error, scheduled_for, started_at, finished_at,
            extract(epoch FROM started_at - scheduled_for) * 1000 AS lateness_ms
     FROM schedule_executions WHERE trigger = 'cron' AND schedule_id = ANY($1::uuid[]) AND scheduled_for >= $2`,
    [ids, since],
  );
  return rows;
}

const countBy = (rows, key) => rows.reduce((acc, r) => ({ ...acc, [r[key]]: (acc[r[key]] ?? 0) + 1 }), {});

/** The most frequent error messages of failed runs, so a failing scenario says why. */
const topErrors = (rows) =>
  Object.entries(
    countBy(
      rows.filter((r) => r.status === 'failed'),
      'error',
    ),
  )
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([message, count]) => ({ message, count }));

/** 1,000 schedules due evenly over one minute: how late does each run start? */
async function steadyLateness({ db, ids, log }) {
  const spreadMs = 60_000;
  await arm(db, ids, 5_000, spreadMs / ids.length);
  const done = await waitExecuted(db, ids, 5_000 + spreadMs + 90_000);
  const rows = await executions(db, ids);
  const late = rows.map((r) => Number(r.lateness_ms)).sort((a, b) => a - b);
  const result = {
    schedules: ids.length,
    executed: done,
    windowSeconds: spreadMs / 1000,
    latenessMs: { p50: percentile(late, 50), p99: percentile(late, 99), max: late.at(-1) ?? NaN, median: median(late) },
    statuses: countBy(rows, 'status'),
    errors: topErrors(rows),
  };
  log(`  steady: ${done}/${ids.length} executed, lateness p50 ${result.latenessMs.p50.toFixed(0)} ms p99 ${result.latenessMs.p99.toFixed(0)} ms`);
  return result;
}

/**
 * 10,000 stop schedules of running servers due at one instant: how long until every one has run? `label` names
 * the run in the log; only executions of this burst's slot count, so the same servers can burst again.
 */
async function timedBurst({ db, servers, log, label = 'burst', deadlineMs = 300_000 }) {
  await markRunning(
    db,
    servers.map((s) => s.serverId),
  );
  const ids = servers.map((s) => s.stopId);
  const dueAt = await arm(db, ids, 3_000, 0);
  let lastLog = 0;
  const done = await waitExecuted(
    db,
    ids,
    3_000 + deadlineMs,
    (n) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  ${label}: ${n}/${ids.length} executed`);
      }
    },
    dueAt,
  );
  const rows = await executions(db, ids, dueAt);
  const lastFinish = Math.max(...rows.map((r) => r.finished_at?.getTime() ?? r.started_at.getTime()));
  const lastStart = Math.max(...rows.map((r) => r.started_at.getTime()));
  const totalSeconds = (lastFinish - dueAt.getTime()) / 1000;
  const late = rows.map((r) => Number(r.lateness_ms)).sort((a, b) => a - b);
  const result = {
    schedules: ids.length,
    executed: done,
    complete: done >= ids.length,
    totalSeconds,
    allStartedSeconds: (lastStart - dueAt.getTime()) / 1000,
    perSecond: done / totalSeconds,
    latenessMs: { p50: percentile(late, 50), p99: percentile(late, 99), max: late.at(-1) ?? NaN },
    statuses: countBy(rows, 'status'),
    errors: topErrors(rows),
  };
  log(`  ${label}: ${done}/${ids.length} executed in ${totalSeconds.toFixed(1)} s (${result.perSecond.toFixed(0)}/s)`);
  return { result, dueAt };
}

const burst = async (args) => (await timedBurst(args)).result;

/**
 * Exactly once: one cron execution per schedule for the slot, and no server stopped twice (its owner's activity
 * log has one scheduled `server.stop` per server since the slot). A stop that found the server already stopped
 * writes nothing, so the activity log is where a second stop would show.
 */
async function exactlyOnce(db, servers, dueAt) {
  const {
    rows: [slots],
  } = await db.query(
    `SELECT count(*)::int AS runs, count(DISTINCT schedule_id)::int AS schedules
     FROM schedule_executions WHERE trigger = 'cron' AND scheduled_for = $2 AND schedule_id = ANY($1::uuid[])`,
    [servers.map((s) => s.stopId), dueAt],
  );
  const {
    rows: [stops],
  } = await db.query(
    `SELECT count(*)::int AS stops, count(DISTINCT target_id)::int AS servers FROM activity_log
     WHERE action = 'server.stop' AND system_name = 'scheduler' AND created_at >= $2 AND target_id = ANY($1::text[])`,
    [servers.map((s) => s.serverId), dueAt],
  );
  return {
    executionsPerSchedule: slots.schedules ? slots.runs / slots.schedules : NaN,
    schedulesRun: slots.schedules,
    serversStopped: stops.servers,
    serversStoppedTwice: stops.stops - stops.servers,
    holds: slots.runs === servers.length && slots.schedules === servers.length && stops.stops === stops.servers,
  };
}

/** Waits (up to a minute) until the replicas' boot reconciliation has ended the runs left by earlier scenarios. */
async function waitSettled(db) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const {
      rows: [{ live }],
    } = await db.query(`SELECT count(*)::int AS live FROM servers WHERE status IN ('creating', 'starting', 'running')`);
    if (live === 0) {
      return;
    }
    await sleep(500);
  }
}

/** The burst with several scheduler replicas on one database: time until all ran, and exactly once. */
async function burstReplicas({ db, servers, replicas, log }) {
  await waitSettled(db);
  const { result, dueAt } = await timedBurst({ db, servers, log, label: `burst ×${replicas}` });
  const once = await exactlyOnce(db, servers, dueAt);
  log(
    `  burst ×${replicas}: exactly once ${once.holds ? 'holds' : 'BROKEN'} (${once.schedulesRun} schedules run, ` +
      `${once.executionsPerSchedule} executions each, ${once.serversStoppedTwice} servers stopped twice)`,
  );
  // exactlyOnce: the verdict (bench/targets.js reads it); exactlyOnceCheck: the counts behind it.
  return { ...result, replicas, exactlyOnce: once.holds, exactlyOnceCheck: once };
}

module.exports = { pickServers, steadyLateness, burst, burstReplicas };
