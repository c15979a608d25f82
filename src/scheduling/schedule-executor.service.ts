import { Injectable, Logger } from '@nestjs/common';
import { ClaimLoopJob } from '../common/background/claim-loop-job';
import { ClaimLoop, workerId } from '../common/background/claim-loop';
import { traced } from '../common/tracing/traced';
import { AppConfig } from '../config/app-config';
import { nextRun } from './cron';
import { GroupCommit } from './group-commit';
import { ScheduleRunner } from './schedule-runner.service';
import { SchedulerMetrics } from './scheduling.metrics';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';
import { ClaimedSchedule, CronRunRecord } from './schedules.types';

/** At most this many runs recorded in one transaction (a batch holds its schedules' row locks until it commits). */
const RECORD_BATCH_MAX = 64;

/**
 * The claim loop every scheduler replica runs (scheduler role). It keeps up to SCHEDULER_CONCURRENCY due
 * schedules in flight, claimed with a lease (FOR UPDATE SKIP LOCKED), runs them, then records each slot once
 * and moves next_run_at on, computed in the schedule's zone from now: slots missed while down collapse into
 * one late run. Finished runs are recorded by group commit (many per transaction under load), and between
 * ticks the loop rests until the next schedule falls due (at most SCHEDULER_TICK_MS).
 */
@Injectable()
export class ScheduleExecutor extends ClaimLoopJob<ClaimedSchedule> {
  private readonly logger = new Logger(ScheduleExecutor.name);
  readonly worker = workerId();
  protected readonly loop: ClaimLoop<ClaimedSchedule>;
  private readonly recorder: GroupCommit<CronRunRecord, boolean>;

  constructor(
    private readonly config: AppConfig,
    repo: SchedulesRepository,
    private readonly runner: ScheduleRunner,
    schedules: SchedulesService,
    private readonly metrics: SchedulerMetrics,
  ) {
    super();
    this.recorder = new GroupCommit((runs) => schedules.recordCronRuns(this.worker, runs), RECORD_BATCH_MAX);
    this.loop = new ClaimLoop({
      what: 'Schedule',
      intervalMs: config.SCHEDULER_TICK_MS,
      // Only as many rows are claimed as can run at once, so every claimed run starts well inside its lease.
      limit: () => Math.min(config.SCHEDULER_BATCH_SIZE, config.SCHEDULER_CONCURRENCY),
      claim: (limit) => repo.claimDue(this.worker, limit, config.SCHEDULER_LEASE_MS),
      handle: (claim) => this.runClaim(claim),
      nextDueInMs: () => repo.nextDueInMs(),
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
      const recorded = await this.recorder.add({
        claim,
        run: { ...result, startedAt, late: latenessMs > this.config.SCHEDULER_LATE_AFTER_MS },
        nextRunAt: (s) => nextRun(s.cron, s.timezone, new Date(Math.max(Date.now(), claim.scheduledFor.getTime()))),
      });
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
