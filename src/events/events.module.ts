import { Module } from '@nestjs/common';
import { EventsJanitor } from './events-janitor.service';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

/** The per-user event log and its SSE stream. Imports no feature module, so any of them can record events. */
@Module({
  controllers: [EventsController],
  providers: [EventsService, EventsRepository, EventsJanitor],
  exports: [EventsService],
})
export class EventsModule {}
