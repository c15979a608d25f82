import { Injectable, Logger } from '@nestjs/common';
import { BackgroundJob } from '../background/background-job';
import { PeriodicJob } from '../background/periodic-job';
import { IdempotencyRepository } from './idempotency.repository';

/** Idempotency keys are a retry window, not an archive: records older than a day are dropped hourly. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
const PURGE_EVERY_MS = 3_600_000;

/** A scheduler-role job (started by SchedulerRoleModule): one replica's hourly purge is enough for all. */
@Injectable()
export class IdempotencyJanitor implements BackgroundJob {
  private readonly logger = new Logger(IdempotencyJanitor.name);
  private readonly job = new PeriodicJob({
    what: 'Purging old idempotency keys',
    everyMs: PURGE_EVERY_MS,
    run: () => this.purge(),
    logger: this.logger,
  });

  constructor(private readonly records: IdempotencyRepository) {}

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One purge now; returns how many records went. */
  purge(): Promise<number> {
    return this.records.purgeOlderThan(IDEMPOTENCY_RETENTION_HOURS);
  }
}
