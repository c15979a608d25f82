import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EventsJanitor } from './events-janitor.service';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

/**
 * The per-user event log and its SSE stream. Imports no feature module but users (whom to send a direct
 * message), so any feature can record events. EventsJanitor is a scheduler-role job.
 */
@Module({
  imports: [UsersModule],
  controllers: [EventsController],
  providers: [EventsService, EventsRepository, EventsJanitor],
  exports: [EventsService, EventsJanitor],
})
export class EventsModule {}
