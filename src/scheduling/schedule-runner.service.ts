import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ServersService } from '../servers/servers.service';
import { FinishedRun, SchedulesRepository } from './schedules.repository';
import { Schedule, ScheduleAction } from './schedule.entity';
import { ScheduleExecution } from './schedule-execution.entity';
import { SchedulerMetrics } from './scheduler-metrics.service';

export interface ActionTarget { serverId: string; ownerId: string; ownerDiscordId: string; action: ScheduleAction }

/**
 * Performs a schedule's action through ServersService as the schedule's owner, so a scheduled start
 * obeys exactly the rules, billing and ownership of a user's own start.
 */
@Injectable()
export class ScheduleRunner {
  private readonly logger = new Logger(ScheduleRunner.name);

  constructor(
    private readonly servers: ServersService,
    private readonly repo: SchedulesRepository,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async perform(target: ActionTarget): Promise<Pick<FinishedRun, 'status' | 'error'>> {
    const actor: Actor = {
      userId: target.ownerId, discordId: target.ownerDiscordId, scopes: ['servers:read', 'servers:power'],
      via: { kind: 'system', name: 'scheduler' },
    };
    try {
      switch (target.action) {
        case 'start': await this.servers.start(actor, target.serverId); break;
        case 'stop': await this.servers.stop(actor, target.serverId); break;
        case 'restart': await this.servers.restart(actor, target.serverId); break;
      }
      return { status: 'success', error: null };
    } catch (err) {
      if (err instanceof DomainError) {
        // An action that does not apply (stop a stopped server) is skipped, not failed.
        return { status: err.code === ErrorCode.INVALID_TRANSITION ? 'skipped' : 'failed', error: err.message };
      }
      const ref = randomUUID().slice(0, 8);
      this.logger.error({ err, ref, serverId: target.serverId }, `Scheduled ${target.action} crashed (ref ${ref})`);
      return { status: 'failed', error: `Something went wrong (ref ${ref})` };
    }
  }

  async runManual(schedule: Schedule, execution: ScheduleExecution, ownerDiscordId: string): Promise<void> {
    const result = await this.perform({ ...schedule, ownerDiscordId });
    try {
      await this.repo.finishManualRun(execution.id, { ...result, startedAt: execution.startedAt, late: false });
      this.metrics.executed(schedule.action, result.status);
    } catch (err) {
      this.logger.error({ err, scheduleId: schedule.id }, 'Could not record a manual schedule run');
    }
  }
}
