import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { WebhooksService } from '../webhooks/webhooks.service';
import { ExecutionStatus, Schedule } from './schedule.entity';
import { ScheduleExecution } from './schedule-execution.entity';

export interface ClaimedSchedule {
  id: string;
  serverId: string;
  ownerId: string;
  ownerDiscordId: string;
  action: Schedule['action'];
  scheduledFor: Date;
}

export interface FinishedRun {
  status: Exclude<ExecutionStatus, 'running'>;
  error: string | null;
  startedAt: Date;
  late: boolean;
}

/** SQL of the scheduling module: claims, slot records and the next-run bookkeeping. */
@Injectable()
export class SchedulesRepository {
  constructor(
    private readonly db: DataSource,
    @InjectRepository(Schedule) readonly schedules: Repository<Schedule>,
    @InjectRepository(ScheduleExecution) readonly executions: Repository<ScheduleExecution>,
    private readonly webhooks: WebhooksService,
  ) {}

  /**
   * Claims up to `limit` due schedules for `worker` with a lease. SKIP LOCKED lets replicas claim
   * disjoint rows concurrently; an expired lease (crashed replica) makes a row claimable again.
   */
  async claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affectedCount].
    const [rows]: [Array<{ id: string; server_id: string; owner_id: string; discord_id: string; action: Schedule['action']; next_run_at: Date }>, number] = await this.db.query(
      `WITH due AS (
         SELECT id FROM server_schedules
         WHERE enabled AND next_run_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY next_run_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       UPDATE server_schedules s
       SET claimed_until = now() + make_interval(secs => $3::double precision / 1000), claimed_by = $1
       FROM due, users u WHERE s.id = due.id AND u.id = s.owner_id
       RETURNING s.id, s.server_id, s.owner_id, u.discord_id, s.action, s.next_run_at`,
      [worker, limit, leaseMs]);
    return rows.map((r) => ({
      id: r.id, serverId: r.server_id, ownerId: r.owner_id, ownerDiscordId: r.discord_id, action: r.action, scheduledFor: r.next_run_at,
    }));
  }

  /**
   * Records the run of one cron slot and moves the schedule on, in one transaction. The unique
   * (schedule, slot) index makes a second record of the same slot impossible, so a slot that two
   * replicas both ran (a lease lost mid-run) is recorded once. Returns false when it was already recorded.
   */
  async finishCronRun(worker: string, claim: ClaimedSchedule, run: FinishedRun, nextRunAt: (s: Schedule) => Date | null): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const schedule = await em.getRepository(Schedule).findOne({ where: { id: claim.id }, lock: { mode: 'pessimistic_write' } });
      if (!schedule) {
        return false;
      }
      const inserted: unknown[] = await em.query(
        `INSERT INTO schedule_executions (schedule_id, trigger, scheduled_for, started_at, finished_at, status, late, error)
         VALUES ($1, 'cron', $2, $3, now(), $4, $5, $6)
         ON CONFLICT (schedule_id, scheduled_for) WHERE trigger = 'cron' DO NOTHING RETURNING id`,
        [claim.id, claim.scheduledFor, run.startedAt, run.status, run.late, run.error]);
      const mine = schedule.claimedBy === worker;
      await this.updateAfterRun(em, schedule, run, {
        // Only move next_run_at if it still points at the slot we ran (a PATCH may have moved it).
        nextRunAt: schedule.nextRunAt?.getTime() === claim.scheduledFor.getTime() ? nextRunAt(schedule) : schedule.nextRunAt,
        releaseClaim: mine,
      });
      if (inserted.length > 0) {
        await this.emitRun(em, schedule, 'cron', claim.scheduledFor, run);
      }
      return inserted.length > 0;
    });
  }

  async startManualRun(scheduleId: string, at: Date): Promise<ScheduleExecution> {
    return this.executions.save(this.executions.create({
      scheduleId, trigger: 'manual', scheduledFor: at, startedAt: at, status: 'running', late: false, error: null,
    }));
  }

  async finishManualRun(executionId: string, run: FinishedRun): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query(`UPDATE schedule_executions SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [executionId, run.status, run.error]);
      const [row]: Array<{ schedule_id: string }> = await em.query('SELECT schedule_id FROM schedule_executions WHERE id = $1', [executionId]);
      const schedule = row && await em.getRepository(Schedule).findOne({ where: { id: row.schedule_id }, lock: { mode: 'pessimistic_write' } });
      if (schedule) {
        await this.updateAfterRun(em, schedule, run, { nextRunAt: schedule.nextRunAt, releaseClaim: false });
        await this.emitRun(em, schedule, 'manual', run.startedAt, run);
      }
    });
  }

  /** schedule.executed (success or skipped) or schedule.failed, in the transaction that records the run. */
  private async emitRun(em: EntityManager, schedule: Schedule, trigger: 'cron' | 'manual', scheduledFor: Date, run: FinishedRun): Promise<void> {
    await this.webhooks.enqueue(em, schedule.ownerId, run.status === 'failed' ? 'schedule.failed' : 'schedule.executed', {
      schedule: { id: schedule.id, serverId: schedule.serverId, action: schedule.action, cron: schedule.cron, timezone: schedule.timezone },
      execution: { trigger, scheduledFor: scheduledFor.toISOString(), startedAt: run.startedAt.toISOString(), status: run.status, late: run.late, error: run.error },
    });
  }

  private async updateAfterRun(em: EntityManager, schedule: Schedule, run: FinishedRun, opts: { nextRunAt: Date | null; releaseClaim: boolean }): Promise<void> {
    await em.query(
      `UPDATE server_schedules SET last_run_at = $2, last_status = $3, last_error = $4, next_run_at = $5,
         claimed_until = CASE WHEN $6 THEN NULL ELSE claimed_until END,
         claimed_by = CASE WHEN $6 THEN NULL ELSE claimed_by END,
         updated_at = now()
       WHERE id = $1`,
      [schedule.id, run.startedAt, run.status, run.error, schedule.enabled ? opts.nextRunAt : null, opts.releaseClaim]);
  }

  async countForServer(em: EntityManager, serverId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await em.query('SELECT count(*)::int AS count FROM server_schedules WHERE server_id = $1', [serverId]);
    return count;
  }

  /** Serialises schedule creation per server so the per-server cap holds under concurrency. */
  async lockServer(em: EntityManager, serverId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('schedules:' || $1, 0))`, [serverId]);
  }

  async countByEnabled(): Promise<Array<{ enabled: boolean; count: number }>> {
    return this.db.query('SELECT enabled, count(*)::int AS count FROM server_schedules GROUP BY enabled');
  }
}
