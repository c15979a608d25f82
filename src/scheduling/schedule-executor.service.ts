import { Injectable, Logger } from '@nestjs/common';
import { ClaimLoopJob } from '../common/background/claim-loop-job';
import { ClaimLoop, workerId } from '../common/background/claim-loop';
import { traced } from '../common/tracing/traced';
import { AppConfig } from '../config/app-config';
import { nextRun } from './cron';
import { ScheduleRunner } from './schedule-runner.service';
import { SchedulerMetrics } from './scheduling.metrics';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';
import { ClaimedSchedule } from './schedules.types';

/**
 * The claim loop every scheduler replica runs (scheduler role). A tick claims due schedules with a lease
 * (FOR UPDATE SKIP LOCKED), runs them, then records each slot once and moves next_run_at on,
 * computed in the schedule's zone from now: slots missed while down collapse into one late run.
 */
@Injectable()
export class ScheduleExecutor extends ClaimLoopJob<ClaimedSchedule> {
  private readonly logger = new Logger(ScheduleExecutor.name);
  readonly worker = workerId();
  protected readonly loop: ClaimLoop<ClaimedSchedule>;

  constructor(
    private readonly config: AppConfig,
    repo: SchedulesRepository,
    private readonly runner: ScheduleRunner,
    private readonly schedules: SchedulesService,
    private readonly metrics: SchedulerMetrics,
  ) {
    super();
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

  private runClaim(claim: ClaimedSchedule): Promise<void> {
    const attributes = { 'agis.schedule.id': claim.id, 'agis.server.id': claim.serverId, 'agis.schedule.action': claim.action };
    return traced('schedule.run', attributes, () => this.runClaimNow(claim));
  }

  private async runClaimNow(claim: ClaimedSchedule): Promise<void> {
    const startedAt = new Date();
    const latenessMs = startedAt.getTime() - claim.scheduledFor.getTime();
    const result = await this.runner.perform(claim);
    try {
      const recorded = await this.schedules.recordCronRun(
        this.worker,
        claim,
        { ...result, startedAt, late: latenessMs > this.config.SCHEDULER_LATE_AFTER_MS },
        (s) => nextRun(s.cron, s.timezone, new Date(Math.max(Date.now(), claim.scheduledFor.getTime()))),
      );
      if (recorded) {
        this.metrics.executed(claim.action, result);
        this.metrics.late(latenessMs / 1000);
      }
    } catch (err) {
      // The claim expires and another tick records the slot; the action itself is idempotent by state.
      this.logger.error({ err, scheduleId: claim.id }, 'Could not record a schedule run');
    }
  }
}
