import { Injectable, Logger } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { Transactions, Tx } from '../database/transactions';
import { ServersService } from '../servers/servers.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { assertCron, assertTimeZone, describeCron, nextRun, nextRuns } from './cron';
import { ScheduleRunner } from './schedule-runner.service';
import { SchedulerMetrics } from './scheduling.metrics';
import { SchedulesRepository } from './schedules.repository';
import {
  CreateScheduleInput,
  CronRunRecord,
  ExecutionView,
  FinishedRun,
  NEXT_RUNS_SHOWN,
  Schedule,
  SCHEDULE_ACTIONS,
  ScheduleExecution,
  SCHEDULES_PER_SERVER_MAX,
  ScheduleView,
  UpdateScheduleInput,
} from './schedules.types';

/** Every rule about schedules: validation, ownership, limits, next-run bookkeeping, run-now, and the record of each run. */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly repo: SchedulesRepository,
    private readonly servers: ServersService,
    private readonly runner: ScheduleRunner,
    private readonly activity: ActivityService,
    private readonly webhooks: WebhooksService,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async create(actor: Actor, serverId: string, input: CreateScheduleInput): Promise<ScheduleView> {
    await this.servers.get(actor, serverId);
    const normalized = this.validate(input.action, input.cron, input.timezone ?? 'UTC');
    const enabled = input.enabled ?? true;
    const saved = await this.transactions.run(async (tx) => {
      await this.repo.lockServer(tx, serverId);
      if ((await this.repo.countForServer(tx, serverId)) >= SCHEDULES_PER_SERVER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `A server can have at most ${SCHEDULES_PER_SERVER_MAX} schedules`);
      }
      const created = await this.repo.insert(
        tx,
        { serverId, ownerId: actor.userId },
        {
          ...normalized,
          enabled,
          nextRunAt: enabled ? nextRun(normalized.cron, normalized.timezone, new Date()) : null,
        },
      );
      await this.activity.recordIn(tx, actor, {
        action: 'schedule.created',
        target: { type: 'schedule', id: created.id },
        details: { serverId, ...normalized, enabled },
      });
      return created;
    });
    return toView(saved);
  }

  async listForServer(actor: Actor, serverId: string, page: { page?: number; perPage?: number }): Promise<Paginated<ScheduleView>> {
    await this.servers.get(actor, serverId);
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.listOwned(actor.userId, serverId, offset, limit);
    return paginate(rows.map(toView), total, page);
  }

  /** All of the actor's schedules across servers (Discord `/schedule list`). */
  async listMine(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ScheduleView>> {
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.listOwned(actor.userId, null, offset, limit);
    return paginate(rows.map(toView), total, page);
  }

  async get(actor: Actor, scheduleId: string): Promise<ScheduleView> {
    return toView(await this.load(actor, scheduleId));
  }

  async update(actor: Actor, scheduleId: string, input: UpdateScheduleInput): Promise<ScheduleView> {
    const current = await this.load(actor, scheduleId);
    const normalized = this.validate(input.action ?? current.action, input.cron ?? current.cron, input.timezone ?? current.timezone);
    const enabled = input.enabled ?? current.enabled;
    const timingChanged = normalized.cron !== current.cron || normalized.timezone !== current.timezone || enabled !== current.enabled;
    await this.transactions.run(async (tx) => {
      await this.repo.updateDefinition(tx, current.id, {
        ...normalized,
        enabled,
        ...(timingChanged ? { nextRunAt: enabled ? nextRun(normalized.cron, normalized.timezone, new Date()) : null } : {}),
      });
      await this.activity.recordIn(tx, actor, {
        action: 'schedule.updated',
        target: { type: 'schedule', id: current.id },
        details: { serverId: current.serverId, ...normalized, enabled },
      });
    });
    return this.get(actor, scheduleId);
  }

  async setEnabled(actor: Actor, scheduleId: string, enabled: boolean): Promise<ScheduleView> {
    return this.update(actor, scheduleId, { enabled });
  }

  async remove(actor: Actor, scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.load(actor, scheduleId);
    await this.transactions.run(async (tx) => {
      if (await this.repo.removeOwned(tx, actor.userId, schedule.id)) {
        await this.activity.recordIn(tx, actor, {
          action: 'schedule.deleted',
          target: { type: 'schedule', id: schedule.id },
          details: { serverId: schedule.serverId, action: schedule.action, cron: schedule.cron },
        });
      }
    });
    return toView(schedule);
  }

  /** Runs the action now (enabled or not), in the background; the returned execution tracks it. */
  async runNow(actor: Actor, scheduleId: string): Promise<ExecutionView> {
    const schedule = await this.load(actor, scheduleId);
    const execution = await this.repo.insertManualExecution(schedule.id, new Date());
    void this.runManual(schedule, execution);
    return toExecutionView(execution);
  }

  /**
   * Records the runs of claimed cron slots and moves their schedules on, in one transaction (with their webhook
   * events): the executor's group commit, so a burst costs a few statements per batch rather than a transaction
   * per run. Each slot is recorded once however many replicas ran it; the answer says, per run, whether this call
   * recorded it (false: already recorded, or the schedule is gone).
   */
  async recordCronRuns(worker: string, runs: CronRunRecord[]): Promise<boolean[]> {
    // The set-based statements take each schedule once; a second run of the same schedule (its lease lost and
    // claimed again by this worker) goes in a transaction of its own after the first.
    const seen = new Set<string>();
    const first = runs.filter((r) => !seen.has(r.claim.id) && seen.add(r.claim.id));
    const firsts = new Set(first);
    const again = runs.filter((r) => !firsts.has(r));
    const recorded = await this.transactions.run(async (tx) => {
      const ids = first.map((r) => r.claim.id);
      const locked = new Map((await this.repo.lockMany(tx, ids)).map((s) => [s.id, s]));
      const present = first.filter((r) => locked.has(r.claim.id));
      if (present.length === 0) {
        return new Set<string>();
      }
      const inserted = await this.repo.insertCronExecutions(tx, present);
      await this.repo.updateAfterRuns(
        tx,
        present.map(({ claim, run, nextRunAt }) => {
          const schedule = locked.get(claim.id)!;
          return {
            schedule,
            run,
            // Only move next_run_at if it still points at the slot we ran (a PATCH may have moved it).
            nextRunAt: schedule.nextRunAt?.getTime() === claim.scheduledFor.getTime() ? nextRunAt(schedule) : schedule.nextRunAt,
            releaseClaim: schedule.claimedBy === worker,
          };
        }),
      );
      for (const { claim, run } of present) {
        if (inserted.has(claim.id)) {
          await this.emitRun(tx, locked.get(claim.id)!, 'cron', claim.scheduledFor, run);
        }
      }
      return inserted;
    });
    const answer = new Map(first.map((r) => [r, recorded.has(r.claim.id)]));
    if (again.length) {
      (await this.recordCronRuns(worker, again)).forEach((ok, i) => answer.set(again[i], ok));
    }
    return runs.map((r) => answer.get(r)!);
  }

  private async runManual(schedule: Schedule, execution: ScheduleExecution): Promise<void> {
    const result = await this.runner.perform(schedule);
    try {
      const run: FinishedRun = { ...result, startedAt: execution.startedAt, late: false };
      await this.transactions.run(async (tx) => {
        const scheduleId = await this.repo.finishExecution(tx, execution.id, run);
        const locked = scheduleId && (await this.repo.lock(tx, scheduleId));
        if (locked) {
          await this.repo.updateAfterRun(tx, locked, run, { nextRunAt: locked.nextRunAt, releaseClaim: false });
          await this.emitRun(tx, locked, 'manual', run.startedAt, run);
        }
      });
      this.metrics.executed(schedule.action, result);
    } catch (err) {
      this.logger.error({ err, scheduleId: schedule.id }, 'Could not record a manual schedule run');
    }
  }

  /** schedule.executed (success or skipped) or schedule.failed, in the transaction that records the run. */
  private async emitRun(tx: Tx, schedule: Schedule, trigger: 'cron' | 'manual', scheduledFor: Date, run: FinishedRun): Promise<void> {
    await this.webhooks.enqueueIn(tx, schedule.ownerId, run.status === 'failed' ? 'schedule.failed' : 'schedule.executed', {
      schedule: { id: schedule.id, serverId: schedule.serverId, action: schedule.action, cron: schedule.cron, timezone: schedule.timezone },
      execution: {
        trigger,
        scheduledFor: scheduledFor.toISOString(),
        startedAt: run.startedAt.toISOString(),
        status: run.status,
        late: run.late,
        error: run.error,
      },
    });
  }

  async executions(actor: Actor, scheduleId: string, page: { page?: number; perPage?: number }): Promise<Paginated<ExecutionView>> {
    const schedule = await this.load(actor, scheduleId);
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.listExecutions(schedule.id, offset, limit);
    return paginate(rows.map(toExecutionView), total, page);
  }

  private async load(actor: Actor, scheduleId: string): Promise<Schedule> {
    const schedule = isUuid(scheduleId) ? await this.repo.findOwned(actor.userId, scheduleId) : null;
    if (!schedule) {
      throw new DomainError(ErrorCode.SCHEDULE_NOT_FOUND, `Schedule ${echo(scheduleId)} not found`);
    }
    return schedule;
  }

  private validate(action: string, cron: string, timezone: string): Pick<Schedule, 'action' | 'cron' | 'timezone'> {
    if (!(SCHEDULE_ACTIONS as readonly string[]).includes(action)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Unknown action '${echo(action)}': use one of ${SCHEDULE_ACTIONS.join(', ')}`);
    }
    assertCron(cron);
    assertTimeZone(timezone);
    return { action: action as Schedule['action'], cron: cron.trim().split(/\s+/).join(' '), timezone };
  }
}

function toExecutionView(e: ScheduleExecution): ExecutionView {
  return {
    id: String(e.id),
    trigger: e.trigger,
    scheduledFor: e.scheduledFor.toISOString(),
    startedAt: e.startedAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
    status: e.status,
    late: e.late,
    error: e.error,
  };
}

function toView(s: Schedule): ScheduleView {
  return {
    id: s.id,
    serverId: s.serverId,
    action: s.action,
    cron: s.cron,
    timezone: s.timezone,
    description: describeCron(s.cron),
    enabled: s.enabled,
    nextRunAt: s.nextRunAt?.toISOString() ?? null,
    nextRuns: nextRuns(s.cron, s.timezone, new Date(), NEXT_RUNS_SHOWN).map((d) => d.toISOString()),
    lastRunAt: s.lastRunAt?.toISOString() ?? null,
    lastStatus: s.lastStatus,
    lastError: s.lastError,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
