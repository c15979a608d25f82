import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { EventsRepository } from './events.repository';

const DAY_MS = 86_400_000;

/** The event log is for catching up, not an archive: events older than EVENTS_RETENTION_DAYS are dropped hourly. */
@Injectable()
export class EventsJanitor {
  private readonly logger = new Logger(EventsJanitor.name);

  constructor(private readonly events: EventsRepository, private readonly config: AppConfig) {}

  @Interval('events-purge', 3_600_000)
  async purge(now: Date = new Date()): Promise<number> {
    try {
      return await this.events.purgeOlderThan(new Date(now.getTime() - this.config.EVENTS_RETENTION_DAYS * DAY_MS));
    } catch (err) {
      this.logger.warn({ err }, 'Could not purge old events; will retry next hour');
      return 0;
    }
  }
}
