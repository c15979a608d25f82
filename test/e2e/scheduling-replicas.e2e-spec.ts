import { CreditsService } from '../../src/credits/credits.service';
import { type AppProcess, startAppProcess, stopAppProcess } from '../support/app-process';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser } from '../support/factories';
import { pollUntil } from '../support/poll';

const SCHEDULES = 500;

describe('schedule executor across replicas', () => {
  let t: TestApp;
  const replicas: AppProcess[] = [];
  let scheduleIds: string[] = [];

  const replica = async (extra: Record<string, string> = {}) => {
    const p = await startAppProcess({
      DATABASE_URL: t.databaseUrl,
      AGIS_ROLES: 'scheduler',
      SCHEDULER_TICK_MS: '100',
      SCHEDULER_LEASE_MS: '3000',
      LOCAL_AGONES_STEP_MS: '10',
      SCHEDULER_BATCH_SIZE: '20',
      SCHEDULER_CONCURRENCY: '8',
      RECONCILE_INTERVAL_MS: '3600000',
      ...extra,
    });
    replicas.push(p);
    return p;
  };
  const slotCounts = async (since: Date) =>
    t.db.query<Array<{ runs: number; schedules: number }>>(
      `SELECT count(*)::int AS runs, count(DISTINCT schedule_id)::int AS schedules
     FROM schedule_executions WHERE trigger = 'cron' AND scheduled_for >= $1`,
      [since],
    );

  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api' });
    // 100 users × 5 servers, each server with one start schedule; every user can pay for every start.
    const owners = await Promise.all(Array.from({ length: 100 }, () => createUser(t)));
    const credits = t.app.get(CreditsService);
    await Promise.all(owners.map((o) => credits.grant(o.userId, 10_000, 'test_grant')));
    await t.db.query(
      `INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour)
       SELECT o.id, 'srv-' || n, 'minecraft', 'stopped', 30 FROM unnest($1::uuid[]) AS o(id), generate_series(1, 5) AS n`,
      [owners.map((o) => o.userId)],
    );
    const rows: Array<{ id: string }> = await t.db.query(
      `INSERT INTO server_schedules (server_id, owner_id, action, cron, timezone, enabled, next_run_at)
       SELECT id, owner_id, 'start', '0 0 1 1 *', 'UTC', true, now() + interval '1 day' FROM servers RETURNING id`,
    );
    scheduleIds = rows.map((r) => r.id);
    expect(scheduleIds).toHaveLength(SCHEDULES);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => stopAppProcess(r, 'SIGKILL')));
    await t.close();
  });

  it('runs 500 schedules due at the same moment exactly once with three replicas', async () => {
    await Promise.all([replica(), replica(), replica()]);
    const dueAt = new Date(Date.now() + 1500);
    await t.db.query('UPDATE server_schedules SET next_run_at = $1', [dueAt]);
    const [done] = await pollUntil(
      () => slotCounts(dueAt),
      ([c]) => c.runs >= SCHEDULES,
      { timeoutMs: 60_000, what: '500 executions' },
    );
    expect(done).toEqual({ runs: SCHEDULES, schedules: SCHEDULES });
    const statuses: Array<{ status: string; n: number }> = await t.db.query(
      `SELECT status, count(*)::int AS n FROM schedule_executions WHERE scheduled_for = $1 GROUP BY status`,
      [dueAt],
    );
    expect(statuses).toEqual([{ status: 'success', n: SCHEDULES }]);
    // Every scheduled start was charged exactly once through the ledger.
    const [{ charged }] = await t.db.query(`SELECT count(*)::int AS charged FROM credit_transactions WHERE reason = 'server_hour'`);
    expect(charged).toBe(SCHEDULES);
    await Promise.all(replicas.splice(0).map((r) => stopAppProcess(r)));
  }, 240_000);

  it('still runs every due schedule exactly once when a replica is killed mid-run', async () => {
    await t.db.query(`UPDATE servers SET status = 'running'`);
    await t.db.query(`UPDATE server_schedules SET action = 'stop', last_status = NULL`);
    // One replica takes claims and is frozen (SIGSTOP) while it holds some mid-run, then SIGKILLed:
    // a crash with work in flight, without racing the test against its speed.
    const doomed = await replica({ SCHEDULER_CONCURRENCY: '50', SCHEDULER_BATCH_SIZE: '50' });
    const dueAt = new Date(Date.now() + 500);
    await t.db.query('UPDATE server_schedules SET next_run_at = $1', [dueAt]);
    const heldByDoomed = async () =>
      (
        await t.db.query(`SELECT count(*)::int AS n FROM server_schedules WHERE claimed_by LIKE $1 AND next_run_at = $2`, [
          `%:${doomed.pid}:%`,
          dueAt,
        ])
      )[0].n as number;
    let orphaned = 0;
    await pollUntil(
      async () => {
        if ((await heldByDoomed()) > 0) {
          doomed.proc.kill('SIGSTOP');
          orphaned = await heldByDoomed();
          if (orphaned === 0) {
            doomed.proc.kill('SIGCONT');
          }
        }
        return orphaned;
      },
      (n) => n > 0,
      { timeoutMs: 30_000, intervalMs: 5, what: 'the doomed replica to hold claims' },
    );
    await stopAppProcess(doomed, 'SIGKILL');
    expect(orphaned).toBeGreaterThan(0);

    await Promise.all([replica(), replica()]);
    const [done] = await pollUntil(
      () => slotCounts(dueAt),
      ([c]) => c.runs >= SCHEDULES,
      { timeoutMs: 60_000, what: 'all runs after the crash' },
    );
    expect(done).toEqual({ runs: SCHEDULES, schedules: SCHEDULES });
    const [{ pending }] = await t.db.query(`SELECT count(*)::int AS pending FROM server_schedules WHERE next_run_at <= now()`);
    expect(pending).toBe(0);
  }, 240_000);
});
