import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Tx } from '../database/transactions';
import { ClaimedSchedule, ExecutionStatus, FinishedRun, Schedule, ScheduleAction, ScheduleDefinition, ScheduleExecution } from './schedules.types';

const SCHEDULE_COLUMNS =
  'id, server_id, owner_id, action, cron, timezone, enabled, next_run_at, last_run_at, last_status, last_error, ' +
  'claimed_until, claimed_by, created_at, updated_at';
// id is a bigserial: node-postgres hands int8 over as a string, which is what ScheduleExecution.id holds.
const EXECUTION_COLUMNS = 'id, schedule_id, trigger, scheduled_for, started_at, finished_at, status, late, error';

interface ScheduleRow {
  id: string;
  server_id: string;
  owner_id: string;
  action: ScheduleAction;
  cron: string;
  timezone: string;
  enabled: boolean;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_status: Schedule['lastStatus'];
  last_error: string | null;
  claimed_until: Date | null;
  claimed_by: string | null;
  created_at: Date;
  updated_at: Date;
}

interface ExecutionRow {
  id: string;
  schedule_id: string;
  trigger: 'cron' | 'manual';
  scheduled_for: Date;
  started_at: Date;
  finished_at: Date | null;
  status: ExecutionStatus;
  late: boolean;
  error: string | null;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  serverId: r.server_id,
  ownerId: r.owner_id,
  action: r.action,
  cron: r.cron,
  timezone: r.timezone,
  enabled: r.enabled,
  nextRunAt: r.next_run_at,
  lastRunAt: r.last_run_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  claimedUntil: r.claimed_until,
  claimedBy: r.claimed_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toExecution = (r: ExecutionRow): ScheduleExecution => ({
  id: r.id,
  scheduleId: r.schedule_id,
  trigger: r.trigger,
  scheduledFor: r.scheduled_for,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  late: r.late,
  error: r.error,
});

/** SQL of the scheduling module: claims, slot records and the next-run bookkeeping. */
@Injectable()
export class SchedulesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims up to `limit` due schedules for `worker` with a lease. SKIP LOCKED lets replicas claim
   * disjoint rows concurrently; an expired lease (crashed replica) makes a row claimable again.
   */
  async claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affectedCount].
    const [rows]: [Array<{ id: string; server_id: string; owner_id: string; action: ScheduleAction; next_run_at: Date }>, number] =
      await this.db.query(
        `WITH due AS (
         SELECT id FROM server_schedules
         WHERE enabled AND next_run_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY next_run_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       UPDATE server_schedules s
       SET claimed_until = now() + make_interval(secs => $3::double precision / 1000), claimed_by = $1
       FROM due WHERE s.id = due.id
       RETURNING s.id, s.server_id, s.owner_id, s.action, s.next_run_at`,
        [worker, limit, leaseMs],
      );
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      ownerId: r.owner_id,
      action: r.action,
      scheduledFor: r.next_run_at,
    }));
  }

  /**
   * Milliseconds (by the database's clock) until the earliest enabled, unclaimed schedule falls due; negative when
   * one is due already, null when none is armed. Read after every claim tick, so it walks server_schedules_due_idx.
   */
  async nextDueInMs(): Promise<number | null> {
    const [row] = await queryRows<{ ms: number | null }>(
      this.db,
      `SELECT (extract(epoch FROM min(next_run_at) - now()) * 1000)::float8 AS ms FROM server_schedules
       WHERE enabled AND next_run_at IS NOT NULL AND (claimed_until IS NULL OR claimed_until < now())`,
      [],
    );
    return row?.ms ?? null;
  }

  /** Locks the schedule for the rest of the transaction (a run is recorded under this lock). */
  async lock(tx: Tx, id: string): Promise<Schedule | null> {
    const [row]: ScheduleRow[] = await tx.query(`SELECT ${SCHEDULE_COLUMNS} FROM server_schedules WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toSchedule(row) : null;
  }

  /** Locks the schedules that still exist, in id order (two transactions locking overlapping sets cannot deadlock). */
  async lockMany(tx: Tx, ids: string[]): Promise<Schedule[]> {
    const rows: ScheduleRow[] = await tx.query(`SELECT ${SCHEDULE_COLUMNS} FROM server_schedules WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      ids,
    ]);
    return rows.map(toSchedule);
  }

  /**
   * Records the runs of cron slots in one statement. The unique (schedule, slot) index makes a second record of the
   * same slot impossible, so a slot that two replicas both ran (a lease lost mid-run) is recorded once. Returns the
   * ids of the schedules whose slot was recorded now (at most one run per schedule may be passed).
   */
  async insertCronExecutions(tx: Tx, runs: Array<{ claim: ClaimedSchedule; run: FinishedRun }>): Promise<Set<string>> {
    const inserted: Array<{ schedule_id: string }> = await tx.query(
      `INSERT INTO schedule_executions (schedule_id, trigger, scheduled_for, started_at, finished_at, status, late, error)
       SELECT r.schedule_id, 'cron', r.scheduled_for, r.started_at, now(), r.status, r.late, r.error
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::boolean[], $6::text[])
         AS r(schedule_id, scheduled_for, started_at, status, late, error)
       ON CONFLICT (schedule_id, scheduled_for) WHERE trigger = 'cron' DO NOTHING RETURNING schedule_id`,
      [
        runs.map((r) => r.claim.id),
        runs.map((r) => r.claim.scheduledFor),
        runs.map((r) => r.run.startedAt),
        runs.map((r) => r.run.status),
        runs.map((r) => r.run.late),
        runs.map((r) => r.run.error),
      ],
    );
    return new Set(inserted.map((r) => r.schedule_id));
  }

  async insertManualExecution(scheduleId: string, at: Date): Promise<ScheduleExecution> {
    const [row]: ExecutionRow[] = await this.db.query(
      `INSERT INTO schedule_executions (schedule_id, trigger, scheduled_for, started_at, status, late, error)
       VALUES ($1, 'manual', $2, $2, 'running', false, NULL) RETURNING ${EXECUTION_COLUMNS}`,
      [scheduleId, at],
    );
    return toExecution(row);
  }

  /** Ends a manual run; returns its schedule's id (null when the execution is gone with its schedule). */
  async finishExecution(tx: Tx, executionId: string, run: FinishedRun): Promise<string | null> {
    const [rows]: [Array<{ schedule_id: string }>, number] = await tx.query(
      'UPDATE schedule_executions SET status = $2, error = $3, finished_at = now() WHERE id = $1 RETURNING schedule_id',
      [executionId, run.status, run.error],
    );
    return rows[0]?.schedule_id ?? null;
  }

  /** The outcome of a run on the schedule; a disabled schedule keeps no next run. */
  async updateAfterRun(tx: Tx, schedule: Schedule, run: FinishedRun, opts: { nextRunAt: Date | null; releaseClaim: boolean }): Promise<void> {
    await this.updateAfterRuns(tx, [{ schedule, run, ...opts }]);
  }

  /** updateAfterRun for many schedules in one statement (each schedule at most once). */
  async updateAfterRuns(
    tx: Tx,
    updates: Array<{ schedule: Schedule; run: FinishedRun; nextRunAt: Date | null; releaseClaim: boolean }>,
  ): Promise<void> {
    await tx.query(
      `UPDATE server_schedules s SET last_run_at = u.last_run_at, last_status = u.last_status, last_error = u.last_error,
         next_run_at = u.next_run_at,
         claimed_until = CASE WHEN u.release THEN NULL ELSE s.claimed_until END,
         claimed_by = CASE WHEN u.release THEN NULL ELSE s.claimed_by END,
         updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[], $6::boolean[])
         AS u(id, last_run_at, last_status, last_error, next_run_at, release)
       WHERE s.id = u.id`,
      [
        updates.map((u) => u.schedule.id),
        updates.map((u) => u.run.startedAt),
        updates.map((u) => u.run.status),
        updates.map((u) => u.run.error),
        updates.map((u) => (u.schedule.enabled ? u.nextRunAt : null)),
        updates.map((u) => u.releaseClaim),
      ],
    );
  }

  async countForServer(tx: Tx, serverId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await tx.query('SELECT count(*)::int AS count FROM server_schedules WHERE server_id = $1', [
      serverId,
    ]);
    return count;
  }

  /** Serialises schedule creation per server so the per-server cap holds under concurrency. */
  async lockServer(tx: Tx, serverId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('schedules:' || $1, 0))`, [serverId]);
  }

  async insert(tx: Tx, owner: { serverId: string; ownerId: string }, def: ScheduleDefinition): Promise<Schedule> {
    const [row]: ScheduleRow[] = await tx.query(
      `INSERT INTO server_schedules (server_id, owner_id, action, cron, timezone, enabled, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SCHEDULE_COLUMNS}`,
      [owner.serverId, owner.ownerId, def.action, def.cron, def.timezone, def.enabled, def.nextRunAt ?? null],
    );
    return toSchedule(row);
  }

  async updateDefinition(tx: Tx, id: string, def: ScheduleDefinition): Promise<void> {
    const moveNextRun = def.nextRunAt !== undefined;
    await tx.query(
      `UPDATE server_schedules SET action = $2, cron = $3, timezone = $4, enabled = $5,
         next_run_at = CASE WHEN $6 THEN $7::timestamptz ELSE next_run_at END, updated_at = now()
       WHERE id = $1`,
      [id, def.action, def.cron, def.timezone, def.enabled, moveNextRun, def.nextRunAt ?? null],
    );
  }

  /** Deletes the schedule (its executions cascade); false when it was already gone. */
  async removeOwned(tx: Tx, ownerId: string, id: string): Promise<boolean> {
    const [, count]: [unknown[], number] = await tx.query('DELETE FROM server_schedules WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return count > 0;
  }

  async findOwned(ownerId: string, id: string): Promise<Schedule | null> {
    const [row]: ScheduleRow[] = await this.db.query(`SELECT ${SCHEDULE_COLUMNS} FROM server_schedules WHERE id = $1 AND owner_id = $2`, [
      id,
      ownerId,
    ]);
    return row ? toSchedule(row) : null;
  }

  /** One page of the owner's schedules (of one server when `serverId` is given), oldest first, and how many there are. */
  async listOwned(ownerId: string, serverId: string | null, offset: number, limit: number): Promise<[Schedule[], number]> {
    const where = serverId === null ? 'owner_id = $1' : 'owner_id = $1 AND server_id = $2';
    const params = serverId === null ? [ownerId] : [ownerId, serverId];
    const [rows, [{ count }]] = (await Promise.all([
      this.db.query(
        `SELECT ${SCHEDULE_COLUMNS} FROM server_schedules WHERE ${where} ORDER BY created_at ASC, id ASC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      ),
      this.db.query(`SELECT count(*)::int AS count FROM server_schedules WHERE ${where}`, params),
    ])) as [ScheduleRow[], Array<{ count: number }>];
    return [rows.map(toSchedule), count];
  }

  /** One page of a schedule's executions, newest first, and how many there are. */
  async listExecutions(scheduleId: string, offset: number, limit: number): Promise<[ScheduleExecution[], number]> {
    const [rows, [{ count }]] = (await Promise.all([
      this.db.query(
        `SELECT ${EXECUTION_COLUMNS} FROM schedule_executions WHERE schedule_id = $1
        ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [scheduleId, limit, offset],
      ),
      this.db.query('SELECT count(*)::int AS count FROM schedule_executions WHERE schedule_id = $1', [scheduleId]),
    ])) as [ExecutionRow[], Array<{ count: number }>];
    return [rows.map(toExecution), count];
  }

  async countByEnabled(): Promise<Array<{ enabled: boolean; count: number }>> {
    return this.db.query('SELECT enabled, count(*)::int AS count FROM server_schedules GROUP BY enabled');
  }
}
