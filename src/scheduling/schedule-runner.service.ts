import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { ServersService } from '../servers/servers.service';
import { FinishedRun, ScheduleAction } from './schedules.types';

export interface ActionTarget {
  serverId: string;
  ownerId: string;
  action: ScheduleAction;
}

/**
 * Performs a schedule's action through ServersService as the schedule's owner, so a scheduled start
 * obeys exactly the rules, billing and ownership of a user's own start.
 */
@Injectable()
export class ScheduleRunner {
  private readonly logger = new Logger(ScheduleRunner.name);

  constructor(private readonly servers: ServersService) {}

  /** `reason`: why a run did not succeed, as a bounded label (the DomainError code in lower case, or `internal`). */
  async perform(target: ActionTarget): Promise<Pick<FinishedRun, 'status' | 'error'> & { reason: string | null }> {
    const actor: Actor = {
      userId: target.ownerId,
      scopes: ['servers:read', 'servers:power'],
      via: { kind: 'system', name: 'scheduler' },
    };
    try {
      switch (target.action) {
        case 'start':
          await this.servers.start(actor, target.serverId);
          break;
        case 'stop':
          await this.servers.stop(actor, target.serverId);
          break;
        case 'restart':
          await this.servers.restart(actor, target.serverId);
          break;
      }
      return { status: 'success', error: null, reason: null };
    } catch (err) {
      if (err instanceof DomainError) {
        // An action that does not apply (stop a stopped server) is skipped, not failed.
        return { status: err.code === ErrorCode.INVALID_TRANSITION ? 'skipped' : 'failed', error: err.message, reason: err.code.toLowerCase() };
      }
      const ref = randomUUID().slice(0, 8);
      this.logger.error({ err, ref, serverId: target.serverId }, `Scheduled ${target.action} crashed (ref ${ref})`);
      return { status: 'failed', error: `Something went wrong (ref ${ref})`, reason: 'internal' };
    }
  }
}
