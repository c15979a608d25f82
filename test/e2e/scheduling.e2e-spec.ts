import { ScheduleExecutor } from '../../src/scheduling/schedule-executor.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';

describe('schedules', () => {
  let t: TestApp;
  let owner: TestUser;
  let serverId: string;

  const api = () => t.http();
  const createServer = async (u: TestUser, name: string) => {
    const res = await api().post('/api/v1/servers').set(u.auth).send({ name, gameType: 'minecraft', start: false });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };
  const createSchedule = (u: TestUser, sid: string, body: object) => api().post(`/api/v1/servers/${sid}/schedules`).set(u.auth).send(body);
  const executions = async (u: TestUser, id: string) => (await api().get(`/api/v1/schedules/${id}/executions`).set(u.auth)).body.data;
  const serverStatus = async (u: TestUser, sid: string) => (await api().get(`/api/v1/servers/${sid}`).set(u.auth)).body.data.status;
  /** Moves a schedule's due time (the controllable clock of these tests). */
  const dueIn = (id: string, seconds: number) =>
    t.db.query(`UPDATE server_schedules SET next_run_at = now() + make_interval(secs => $2) WHERE id = $1`, [id, seconds]);

  beforeAll(async () => {
    t = await createTestApp({
      AGIS_ROLES: 'api,scheduler',
      SCHEDULER_TICK_MS: '100',
      LOCAL_AGONES_STEP_MS: '10',
      // The default threshold, far above any wait in these tests (a poll gives up after 10 s), so whether a run
      // is late depends only on how far before now a test puts its due time, never on the machine's speed.
      SCHEDULER_LATE_AFTER_MS: '60000',
      LOG_LEVEL: 'silent',
    });
    owner = await createUser(t, { credits: 10_000 });
    serverId = await createServer(owner, 'sched-1');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('creating: auth and validation', () => {
    it('needs a key with schedules:write', async () => {
      expect((await api().post(`/api/v1/servers/${serverId}/schedules`).send({ action: 'start', cron: '0 8 * * *' })).status).toBe(401);
      const reader = await createUser(t, { scopes: ['schedules:read', 'servers:read'] });
      const res = await createSchedule(reader, serverId, { action: 'start', cron: '0 8 * * *' });
      expect(res.status).toBe(403);
    });

    it.each([
      [{ action: 'start', cron: '0 8 * *' }, 'INVALID_CRON', /expected 5 fields .* got 4/],
      [{ action: 'start', cron: '0 0 8 * * *' }, 'INVALID_CRON', /seconds are not supported/],
      [{ action: 'start', cron: '0 24 * * *' }, 'INVALID_CRON', /24/],
      [{ action: 'start', cron: '0 8 * * *', timezone: 'Europe/Atlantis' }, 'VALIDATION_FAILED', /Unknown time zone 'Europe\/Atlantis'/],
      [{ action: 'reboot', cron: '0 8 * * *' }, 'VALIDATION_FAILED', /action must be one of: start, stop, restart/],
      [{ action: 'start' }, 'VALIDATION_FAILED', /cron/],
    ])('refuses %j with 400 %s', async (body, code, message) => {
      const res = await createSchedule(owner, serverId, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope(code, message));
    });

    it("refuses a schedule on another user's server (404) and on a missing server", async () => {
      const stranger = await createUser(t);
      const res = await createSchedule(stranger, serverId, { action: 'start', cron: '0 8 * * *' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorEnvelope('SERVER_NOT_FOUND'));
      expect((await createSchedule(owner, '00000000-0000-4000-8000-000000000000', { action: 'start', cron: '0 8 * * *' })).status).toBe(404);
    });
  });

  describe('behaviour', () => {
    it("shows the next five runs in the schedule's zone and a description", async () => {
      const res = await createSchedule(owner, serverId, { action: 'start', cron: '0 8 * * *', timezone: 'Europe/Paris' });
      expect(res.status).toBe(201);
      const s = res.body.data;
      expect(s.description).toBe('At 08:00, every day');
      expect(s.nextRuns).toHaveLength(5);
      for (const run of s.nextRuns) {
        const parisHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(run));
        expect(parisHour).toBe('08:00');
      }
      expect(s.nextRunAt).toBe(s.nextRuns[0]);
      const listed = await api().get(`/api/v1/servers/${serverId}/schedules`).set(owner.auth);
      expect(listed.body.data.map((x: { id: string }) => x.id)).toContain(s.id);
      const other = await createUser(t);
      expect((await api().get(`/api/v1/schedules/${s.id}`).set(other.auth)).status).toBe(404);
    });

    it('fires at its due time, records the execution for that slot, and moves on', async () => {
      // How late runs start under load is measured by `npm run bench` (scheduler lateness), not asserted here:
      // `late: false` below holds for any run the poll sees finish, since it starts well inside the 60 s threshold.
      const s = (await createSchedule(owner, serverId, { action: 'start', cron: '0 0 1 1 *' })).body.data;
      await dueIn(s.id, 1);
      const [{ due }] = await t.db.query('SELECT next_run_at AS due FROM server_schedules WHERE id = $1', [s.id]);
      const [run] = await pollUntil(
        () => executions(owner, s.id),
        (e) => e.length > 0 && e[0].status !== 'running',
        { what: 'an execution' },
      );
      expect(run).toEqual(expect.objectContaining({ trigger: 'cron', status: 'success', late: false, error: null }));
      expect(new Date(run.scheduledFor).toISOString()).toBe(new Date(due).toISOString());
      expect(new Date(run.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.scheduledFor).getTime());
      expect(['starting', 'running']).toContain(await serverStatus(owner, serverId));
      const after = (await api().get(`/api/v1/schedules/${s.id}`).set(owner.auth)).body.data;
      expect(after.lastStatus).toBe('success');
      expect(new Date(after.nextRunAt).getTime()).toBeGreaterThan(Date.now());
      await pollUntil(
        () => serverStatus(owner, serverId),
        (st) => st === 'running',
        { what: 'server running' },
      );
    });

    it('records an action that does not apply as skipped', async () => {
      const sid = await createServer(owner, 'sched-skip');
      const s = (await createSchedule(owner, sid, { action: 'stop', cron: '0 0 1 1 *' })).body.data;
      await dueIn(s.id, 0);
      const [run] = await pollUntil(
        () => executions(owner, s.id),
        (e) => e.length > 0,
        { what: 'an execution' },
      );
      expect(run.status).toBe('skipped');
      expect(run.error).toMatch(/stop/i);
    });

    it('does not fire when disabled, and run-now still works on a disabled schedule', async () => {
      const sid = await createServer(owner, 'sched-disabled');
      const s = (await createSchedule(owner, sid, { action: 'start', cron: '0 0 1 1 *' })).body.data;
      const disabled = await api().post(`/api/v1/schedules/${s.id}/disable`).set(owner.auth);
      expect(disabled.status).toBe(200);
      expect(disabled.body.data).toEqual(expect.objectContaining({ enabled: false, nextRunAt: null }));
      await t.db.query(`UPDATE server_schedules SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [s.id]);
      await t.app.get(ScheduleExecutor).tick();
      expect(await executions(owner, s.id)).toEqual([]);

      const run = await api().post(`/api/v1/schedules/${s.id}/run`).set(owner.auth);
      expect(run.status).toBe(202);
      expect(run.body.data).toEqual(expect.objectContaining({ trigger: 'manual', status: 'running' }));
      const [done] = await pollUntil(
        () => executions(owner, s.id),
        (e) => e[0]?.status !== 'running',
        { what: 'manual run' },
      );
      expect(done.status).toBe('success');
      expect(['starting', 'running']).toContain(await serverStatus(owner, sid));
    });

    it('fires runs missed while down once, marked late, not once per missed slot', async () => {
      const sid = await createServer(owner, 'sched-missed');
      const s = (await createSchedule(owner, sid, { action: 'stop', cron: '*/5 * * * *' })).body.data;
      // Down for three hours: 36 slots of */5 were missed.
      await t.db.query(`UPDATE server_schedules SET next_run_at = now() - interval '3 hours' WHERE id = $1`, [s.id]);
      await pollUntil(
        () => executions(owner, s.id),
        (e) => e.length > 0,
        { what: 'the missed run' },
      );
      await t.app.get(ScheduleExecutor).tick();
      const runs = await executions(owner, s.id);
      expect(runs).toHaveLength(1);
      expect(runs[0].late).toBe(true);
      const after = (await api().get(`/api/v1/schedules/${s.id}`).set(owner.auth)).body.data;
      expect(new Date(after.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    });

    it('marks a run that starts past the late threshold as late, though it missed no other slot', async () => {
      const sid = await createServer(owner, 'sched-overdue');
      const s = (await createSchedule(owner, sid, { action: 'stop', cron: '0 0 1 1 *' })).body.data;
      // A yearly slot due 90 s ago (say, the scheduler was restarting): 30 s past the 60 s threshold.
      await dueIn(s.id, -90);
      const [{ due }] = await t.db.query('SELECT next_run_at AS due FROM server_schedules WHERE id = $1', [s.id]);
      const [run] = await pollUntil(
        () => executions(owner, s.id),
        (e) => e.length > 0 && e[0].status !== 'running',
        { what: 'the overdue run' },
      );
      expect(run).toEqual(expect.objectContaining({ trigger: 'cron', late: true }));
      expect(new Date(run.scheduledFor).toISOString()).toBe(new Date(due).toISOString());
    });

    it('updates the cron and recomputes the next run; delete removes the schedule', async () => {
      const s = (await createSchedule(owner, serverId, { action: 'restart', cron: '0 8 * * *' })).body.data;
      const patched = await api().patch(`/api/v1/schedules/${s.id}`).set(owner.auth).send({ cron: '30 6 * * 1', timezone: 'America/New_York' });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toEqual(
        expect.objectContaining({ cron: '30 6 * * 1', timezone: 'America/New_York', description: 'At 06:30, only on Monday' }),
      );
      expect(new Date(patched.body.data.nextRunAt).getUTCDay()).toBe(1);
      expect((await api().patch(`/api/v1/schedules/${s.id}`).set(owner.auth).send({ cron: 'nope' })).status).toBe(400);
      expect((await api().delete(`/api/v1/schedules/${s.id}`).set(owner.auth)).status).toBe(200);
      expect((await api().get(`/api/v1/schedules/${s.id}`).set(owner.auth)).body).toEqual(errorEnvelope('SCHEDULE_NOT_FOUND'));
      expect((await api().get(`/api/v1/schedules/${s.id}/executions`).set(owner.auth)).status).toBe(404);
    });

    it('allows at most 25 schedules per server', async () => {
      const sid = await createServer(owner, 'sched-limit');
      const results = await Promise.all(Array.from({ length: 27 }, () => createSchedule(owner, sid, { action: 'start', cron: '0 8 * * *' })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(25);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => r.body.error.code)).toEqual(['LIMIT_REACHED', 'LIMIT_REACHED']);
    });

    it('exports scheduler metrics', async () => {
      const text = (await api().get('/metrics')).text;
      expect(text).toMatch(/scheduler_schedules\{enabled="true"\} \d+/);
      expect(text).toMatch(/scheduler_executions_total\{action="start",status="success"\} \d+/);
      expect(text).toMatch(/scheduler_lateness_seconds_count \d+/);
    });
  });
});
