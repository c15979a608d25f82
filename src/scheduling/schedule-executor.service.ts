import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ClaimLoop, workerId } from '../common/claim-loop';
import { AppConfig } from '../config/app-config';
import { nextRun } from './cron';
import { ScheduleRunner } from './schedule-runner.service';
import { SchedulerMetrics } from './scheduler-metrics.service';
import { ClaimedSchedule, SchedulesRepository } from './schedules.repository';

/**
 * The claim loop every scheduler replica runs. A tick claims due schedules with a lease
 * (FOR UPDATE SKIP LOCKED), runs them, then records each slot once and moves next_run_at on,
 * computed in the schedule's zone from now: slots missed while down collapse into one late run.
 */
@Injectable()
export class ScheduleExecutor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleExecutor.name);
  readonly worker = workerId();
  private readonly loop: ClaimLoop<ClaimedSchedule>;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: SchedulesRepository,
    private readonly runner: ScheduleRunner,
    private readonly metrics: SchedulerMetrics,
  ) {
    this.loop = new ClaimLoop({
      what: 'Schedule',
      intervalMs: config.SCHEDULER_TICK_MS,
      // Only as many rows are claimed as can run at once, so every claimed run starts well inside its lease.
      limit: () => Math.min(config.SCHEDULER_BATCH_SIZE, config.SCHEDULER_CONCURRENCY),
      claim: (limit) => repo.claimDue(this.worker, limit, config.SCHEDULER_LEASE_MS),
      handle: (claim) => this.runClaim(claim),
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.hasRole('scheduler')) {
      this.loop.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Claims and runs due schedules until none are left; returns how many ran. */
  tick(): Promise<number> {
    return this.loop.tick();
  }

  private async runClaim(claim: ClaimedSchedule): Promise<void> {
    const startedAt = new Date();
    const latenessMs = startedAt.getTime() - claim.scheduledFor.getTime();
    const result = await this.runner.perform(claim);
    try {
      const recorded = await this.repo.finishCronRun(this.worker, claim,
        { ...result, startedAt, late: latenessMs > this.config.SCHEDULER_LATE_AFTER_MS },
        (s) => nextRun(s.cron, s.timezone, new Date(Math.max(Date.now(), claim.scheduledFor.getTime()))));
      if (recorded) {
        this.metrics.executed(claim.action, result.status);
        this.metrics.late(latenessMs / 1000);
      }
    } catch (err) {
      // The claim expires and another tick records the slot; the action itself is idempotent by state.
      this.logger.error({ err, scheduleId: claim.id }, 'Could not record a schedule run');
    }
  }
}
