import { Injectable, Logger } from '@nestjs/common';
import { BackgroundJob } from '../common/background/background-job';
import { PeriodicJob } from '../common/background/periodic-job';
import { AppConfig } from '../config/app-config';
import { EventsRepository } from './events.repository';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The event log is for catching up, not an archive: events older than EVENTS_RETENTION_DAYS are dropped hourly
 * (scheduler role: one purge per deployment is enough, and every replica's purge is the same DELETE).
 */
@Injectable()
export class EventsJanitor implements BackgroundJob {
  private readonly logger = new Logger(EventsJanitor.name);
  private readonly job = new PeriodicJob({ what: 'Purging old events', everyMs: HOUR_MS, logger: this.logger, run: () => this.purge() });

  constructor(
    private readonly events: EventsRepository,
    private readonly config: AppConfig,
  ) {}

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Drops what is past retention at `now`; returns how many events went. */
  async purge(now: Date = new Date()): Promise<number> {
    try {
      return await this.events.purgeOlderThan(new Date(now.getTime() - this.config.EVENTS_RETENTION_DAYS * DAY_MS));
    } catch (err) {
      this.logger.warn({ err }, 'Could not purge old events; will retry next hour');
      return 0;
    }
  }
}
