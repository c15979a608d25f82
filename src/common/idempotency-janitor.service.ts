import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { IdempotencyRepository } from './idempotency.repository';

/** Idempotency keys are a retry window, not an archive: records older than a day are dropped hourly. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

@Injectable()
export class IdempotencyJanitor {
  private readonly logger = new Logger(IdempotencyJanitor.name);

  constructor(private readonly records: IdempotencyRepository) {}

  @Interval('idempotency-purge', 3_600_000)
  async purge(): Promise<number> {
    try {
      return await this.records.purgeOlderThan(IDEMPOTENCY_RETENTION_HOURS);
    } catch (err) {
      this.logger.warn({ err }, 'Could not purge old idempotency keys; will retry next hour');
      return 0;
    }
  }
}
