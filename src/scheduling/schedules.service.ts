import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { echo } from '../common/echo';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { ServersService } from '../servers/servers.service';
import { assertCron, assertTimeZone, describeCron, nextRun, nextRuns } from './cron';
import { Schedule, SCHEDULE_ACTIONS } from './schedule.entity';
import { ScheduleExecution } from './schedule-execution.entity';
import { ScheduleRunner } from './schedule-runner.service';
import { SchedulesRepository } from './schedules.repository';
import {
  CreateScheduleInput, ExecutionView, NEXT_RUNS_SHOWN, SCHEDULES_PER_SERVER_MAX, ScheduleView, UpdateScheduleInput,
} from './schedules.types';
import { isUuid } from '../common/uuid';


/** Every rule about schedules: validation, ownership, limits, next-run bookkeeping, run-now. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly repo: SchedulesRepository,
    private readonly servers: ServersService,
    private readonly runner: ScheduleRunner,
    private readonly activity: ActivityService,
  ) {}

  async create(actor: Actor, serverId: string, input: CreateScheduleInput): Promise<ScheduleView> {
    await this.servers.get(actor, serverId);
    const normalized = this.validate(input.action, input.cron, input.timezone ?? 'UTC');
    const enabled = input.enabled ?? true;
    const saved = await this.repo.schedules.manager.transaction(async (em) => {
      await this.repo.lockServer(em, serverId);
      if ((await this.repo.countForServer(em, serverId)) >= SCHEDULES_PER_SERVER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `A server can have at most ${SCHEDULES_PER_SERVER_MAX} schedules`);
      }
      const repo = em.getRepository(Schedule);
      const created = await repo.save(repo.create({
        serverId, ownerId: actor.userId, ...normalized, enabled,
        nextRunAt: enabled ? nextRun(normalized.cron, normalized.timezone, new Date()) : null,
      }));
      await this.activity.record(em, actor, { action: 'schedule.created', target: { type: 'schedule', id: created.id }, details: { serverId, ...normalized, enabled } });
      return created;
    });
    return this.toView(saved);
  }

  async listForServer(actor: Actor, serverId: string, page: { page?: number; perPage?: number }): Promise<Paginated<ScheduleView>> {
    await this.servers.get(actor, serverId);
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.schedules.findAndCount({
      where: { serverId, ownerId: actor.userId }, order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit,
    });
    return paginate(rows.map((s) => this.toView(s)), total, page);
  }

  /** All of the actor's schedules across servers (Discord `/schedule list`). */
  async listMine(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ScheduleView>> {
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.schedules.findAndCount({
      where: { ownerId: actor.userId }, order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit,
    });
    return paginate(rows.map((s) => this.toView(s)), total, page);
  }

  async get(actor: Actor, scheduleId: string): Promise<ScheduleView> {
    return this.toView(await this.load(actor, scheduleId));
  }

  async update(actor: Actor, scheduleId: string, input: UpdateScheduleInput): Promise<ScheduleView> {
    const current = await this.load(actor, scheduleId);
    const normalized = this.validate(input.action ?? current.action, input.cron ?? current.cron, input.timezone ?? current.timezone);
    const enabled = input.enabled ?? current.enabled;
    const timingChanged = normalized.cron !== current.cron || normalized.timezone !== current.timezone || enabled !== current.enabled;
    await this.repo.schedules.manager.transaction(async (em) => {
      await em.getRepository(Schedule).update({ id: current.id }, {
        ...normalized,
        enabled,
        ...(timingChanged ? { nextRunAt: enabled ? nextRun(normalized.cron, normalized.timezone, new Date()) : null } : {}),
      });
      await this.activity.record(em, actor, { action: 'schedule.updated', target: { type: 'schedule', id: current.id },
        details: { serverId: current.serverId, ...normalized, enabled } });
    });
    return this.get(actor, scheduleId);
  }

  async setEnabled(actor: Actor, scheduleId: string, enabled: boolean): Promise<ScheduleView> {
    return this.update(actor, scheduleId, { enabled });
  }

  async remove(actor: Actor, scheduleId: string): Promise<ScheduleView> {
    const schedule = await this.load(actor, scheduleId);
    await this.repo.schedules.manager.transaction(async (em) => {
      const deleted = await em.getRepository(Schedule).delete({ id: schedule.id, ownerId: actor.userId });
      if (deleted.affected) {
        await this.activity.record(em, actor, { action: 'schedule.deleted', target: { type: 'schedule', id: schedule.id },
          details: { serverId: schedule.serverId, action: schedule.action, cron: schedule.cron } });
      }
    });
    return this.toView(schedule);
  }

  /** Runs the action now (enabled or not), in the background; the returned execution tracks it. */
  async runNow(actor: Actor, scheduleId: string): Promise<ExecutionView> {
    const schedule = await this.load(actor, scheduleId);
    const execution = await this.repo.startManualRun(schedule.id, new Date());
    void this.runner.runManual(schedule, execution, actor.discordId);
    return toExecutionView(execution);
  }

  async executions(actor: Actor, scheduleId: string, page: { page?: number; perPage?: number }): Promise<Paginated<ExecutionView>> {
    const schedule = await this.load(actor, scheduleId);
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.repo.executions.findAndCount({
      where: { scheduleId: schedule.id }, order: { startedAt: 'DESC', id: 'DESC' }, skip: offset, take: limit,
    });
    return paginate(rows.map(toExecutionView), total, page);
  }

  private async load(actor: Actor, scheduleId: string): Promise<Schedule> {
    const schedule = isUuid(scheduleId) ? await this.repo.schedules.findOneBy({ id: scheduleId, ownerId: actor.userId }) : null;
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

  private toView(s: Schedule): ScheduleView {
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
}

export function toExecutionView(e: ScheduleExecution): ExecutionView {
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
