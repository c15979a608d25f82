import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { EventsModule } from '../events/events.module';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound webhooks. Imports nothing of the features that emit events (servers, scheduling, credits
 * import it), so any module can write to the outbox inside its own transaction (`enqueueIn`).
 * WebhookDispatcher is a scheduler-role job (started by SchedulerRoleModule).
 */
@Module({
  imports: [ActivityModule, EventsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookDispatcher],
  exports: [WebhooksService, WebhookDispatcher],
})
export class WebhooksModule {}
