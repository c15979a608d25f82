import { Injectable, Logger } from '@nestjs/common';
import { BackgroundJob } from '../common/background/background-job';
import { PeriodicJob } from '../common/background/periodic-job';
import { PaymentsRepository } from './payments.repository';

/**
 * Stripe redelivers an event for up to three days (docs.stripe.com/webhooks, "Retry behavior"); the
 * record of handled events only has to outlive that. Coins are granted once per session by their own
 * ledger key, so dropping an old event record never lets a payment grant twice.
 */
export const PAYMENT_EVENTS_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Hourly purge of handled Stripe events past retention (a scheduler-role job, started by SchedulerRoleModule). */
@Injectable()
export class PaymentEventsJanitor implements BackgroundJob {
  private readonly logger = new Logger(PaymentEventsJanitor.name);
  private readonly job = new PeriodicJob({ what: 'Purging old Stripe events', everyMs: HOUR_MS, logger: this.logger, run: () => this.purge() });

  constructor(private readonly payments: PaymentsRepository) {}

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Drops what is past retention at `now`; returns how many records went. */
  purge(now: Date = new Date()): Promise<number> {
    return this.payments.purgeEventsBefore(new Date(now.getTime() - PAYMENT_EVENTS_RETENTION_DAYS * DAY_MS));
  }
}
