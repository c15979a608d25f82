import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { CreateServerDto } from './dto/create-server.dto';
import { ListServersDto } from './dto/list-servers.dto';
import { ServerLogsDto } from './dto/server-logs.dto';
import { ServersService } from './servers.service';
import { DeletedServerView, ServerActionView, ServerLogsView, ServerView } from './servers.types';

@ApiTags('servers')
@Controller('servers')
export class ServersController {
  constructor(private readonly servers: ServersService) {}

  @Get()
  @ApiOperation({ summary: 'List your servers, newest first; filter by gameType and status' })
  @RequireScopes('servers:read')
  @ApiEnvelope(ServerView, { list: true })
  @ApiErrors(400)
  listServers(@CurrentActor() actor: Actor, @Query() query: ListServersDto): Promise<Paginated<ServerView>> {
    return this.servers.list(actor, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a server and start it (charges its first hour now); 502/503 if Agones fails, with the hour refunded' })
  @RequireScopes('servers:write')
  @ApiEnvelope(ServerView, { status: 201 })
  @ApiErrors(400, 409, 422, 502, 503)
  @Idempotent()
  createServer(@CurrentActor() actor: Actor, @Body() body: CreateServerDto): Promise<ServerView> {
    return this.servers.create(actor, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your servers, with its address once running (any other id is 404)' })
  @RequireScopes('servers:read')
  @ApiEnvelope(ServerView)
  @ApiErrors(404)
  getServer(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ServerView> {
    return this.servers.get(actor, id);
  }

  @Get(':id/logs')
  @ApiOperation({ summary: "The newest lines the game wrote (the game container's log); empty while the server has no GameServer" })
  @RequireScopes('servers:read')
  @ApiEnvelope(ServerLogsView)
  @ApiErrors(400, 404, 502, 503)
  getServerLogs(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: ServerLogsDto): Promise<ServerLogsView> {
    return this.servers.logs(actor, id, query.tail);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Stop the server if needed and delete it (the started hour is not refunded)' })
  @RequireScopes('servers:write')
  @ApiEnvelope(DeletedServerView)
  @ApiErrors(404, 502, 503)
  deleteServer(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeletedServerView> {
    return this.servers.delete(actor, id);
  }

  @Post(':id/start')
  @ApiOperation({ summary: 'Start a stopped server: pays the next hour unless a paid hour is still running; 202, then follow status to running' })
  @RequireScopes('servers:power')
  @ApiEnvelope(ServerActionView, { status: 202 })
  @ApiErrors(404, 409, 422, 502, 503)
  @Idempotent()
  startServer(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ServerActionView> {
    return this.servers.start(actor, id);
  }

  @Post(':id/stop')
  @ApiOperation({ summary: 'Stop a running or starting server; the started hour is not refunded' })
  @RequireScopes('servers:power')
  @ApiEnvelope(ServerActionView, { status: 202 })
  @ApiErrors(404, 409, 502, 503)
  stopServer(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ServerActionView> {
    return this.servers.stop(actor, id);
  }

  @Post(':id/restart')
  @ApiOperation({ summary: 'Replace the GameServer of a running server; no charge, the paid hour carries on' })
  @RequireScopes('servers:power')
  @ApiEnvelope(ServerActionView, { status: 202 })
  @ApiErrors(404, 409, 502, 503)
  @Idempotent()
  restartServer(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ServerActionView> {
    return this.servers.restart(actor, id);
  }
}
