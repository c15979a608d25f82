import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: SchedulesRepository,
    private readonly runner: ScheduleRunner,
    private readonly metrics: SchedulerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.hasRole('scheduler')) {
      this.running = true;
      this.loop = this.run();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.tick();
      } catch (err) {
        this.logger.error({ err }, 'Schedule tick failed; retrying next tick');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.SCHEDULER_TICK_MS);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  }

  /**
   * Claims and runs due schedules until none are left; returns how many ran. Only as many rows are
   * claimed as can run at once, so every claimed run starts right away, well inside its lease.
   */
  async tick(): Promise<number> {
    const limit = Math.min(this.config.SCHEDULER_BATCH_SIZE, this.config.SCHEDULER_CONCURRENCY);
    let ran = 0;
    for (;;) {
      const claims = await this.repo.claimDue(this.worker, limit, this.config.SCHEDULER_LEASE_MS);
      await Promise.all(claims.map((c) => this.runClaim(c)));
      ran += claims.length;
      if (claims.length < limit) {
        return ran;
      }
    }
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
