import { Module } from '@nestjs/common';
import { JobRunner } from './common/background/job-runner';
import { IdempotencyJanitor } from './common/idempotency/idempotency-janitor.service';
import { EventsJanitor } from './events/events-janitor.service';
import { EventsModule } from './events/events.module';
import { PaymentEventsJanitor } from './payments/payment-events-janitor.service';
import { PaymentsModule } from './payments/payments.module';
import { ScheduleExecutor } from './scheduling/schedule-executor.service';
import { SchedulingModule } from './scheduling/scheduling.module';
import { ServerBillingService } from './servers/billing/server-billing.service';
import { ServerReconcilerService } from './servers/lifecycle/server-reconciler.service';
import { ServerWatchService } from './servers/lifecycle/server-watch.service';
import { ServersModule } from './servers/servers.module';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The scheduler role's background work, in one place: AppModule imports this module only when
 * AGIS_ROLES has `scheduler`, so no job checks roles itself. Every job is safe to run on several
 * replicas at once (leases, SKIP LOCKED, conditional updates); the watch starts first so the
 * reconciler's first pass already sees GameServer events.
 */
@Module({ imports: [ServersModule, SchedulingModule, WebhooksModule, EventsModule, PaymentsModule] })
export class SchedulerRoleModule extends JobRunner {
  constructor(
    watch: ServerWatchService,
    billing: ServerBillingService,
    reconciler: ServerReconcilerService,
    executor: ScheduleExecutor,
    dispatcher: WebhookDispatcher,
    events: EventsJanitor,
    idempotency: IdempotencyJanitor,
    payments: PaymentEventsJanitor,
  ) {
    super([watch, billing, reconciler, executor, dispatcher, events, idempotency, payments]);
  }
}
