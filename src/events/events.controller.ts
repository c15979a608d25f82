import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiErrors } from '../common/http/api-docs.decorator';
import { AppConfig } from '../config/app-config';
import { StreamEventsDto } from './dto/stream-events.dto';
import { EventStream } from './event-stream';
import { EventsService } from './events.service';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Server-Sent Events of your servers: server.created, server.started (ready, with address, ports and players), ' +
      'server.stopped, server.failed (with the reason), server.deleted',
    description:
      'Each event is `id: <cursor>`, `event: <name>`, `data: {"event", "at", "data": {"server": ...}}`. ' +
      'Reconnect with the Last-Event-ID header (EventSource does) to resume with nothing lost or repeated.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, schema: { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$' } })
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @RequireScopes('servers:read')
  @ApiErrors(400)
  async streamEvents(
    @CurrentActor() actor: Actor,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query() query: StreamEventsDto,
    @Res() res: Response,
  ): Promise<void> {
    const cursor = await this.events.resumeFrom(lastEventId ?? query.lastEventId);
    const stream = new EventStream(res, {
      pollMs: this.config.EVENTS_POLL_MS,
      heartbeatMs: this.config.EVENTS_HEARTBEAT_MS,
      maxMs: (query.timeoutSeconds ?? 900) * 1000,
    });
    await stream.run(cursor, (c) => this.events.serverEventsAfter(actor, c));
  }
}
