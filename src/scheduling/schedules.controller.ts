import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../common/http/pagination';
import { CreateScheduleDto, UpdateScheduleDto } from './dto/create-schedule.dto';
import { SchedulesService } from './schedules.service';
import { ExecutionView, ScheduleView } from './schedules.types';

@ApiTags('schedules')
@Controller()
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get('servers/:id/schedules')
  @ApiOperation({ summary: 'List the schedules of one of your servers' })
  @RequireScopes('schedules:read')
  @ApiEnvelope(ScheduleView, { list: true })
  @ApiErrors(404)
  listServerSchedules(@CurrentActor() actor: Actor, @Param('id') serverId: string, @Query() page: PageQuery): Promise<Paginated<ScheduleView>> {
    return this.schedules.listForServer(actor, serverId, page);
  }

  @Post('servers/:id/schedules')
  @ApiOperation({ summary: 'Schedule start/stop/restart of a server with a 5-field cron in an IANA time zone (max 25 per server)' })
  @RequireScopes('schedules:write')
  @ApiEnvelope(ScheduleView, { status: 201 })
  @ApiErrors(400, 404, 409)
  @Idempotent()
  createSchedule(@CurrentActor() actor: Actor, @Param('id') serverId: string, @Body() body: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(actor, serverId, body);
  }

  @Get('schedules')
  @ApiOperation({ summary: 'List all your schedules' })
  @RequireScopes('schedules:read')
  @ApiEnvelope(ScheduleView, { list: true })
  listSchedules(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<ScheduleView>> {
    return this.schedules.listMine(actor, page);
  }

  @Get('schedules/:id')
  @ApiOperation({ summary: 'One schedule with its next 5 run times' })
  @RequireScopes('schedules:read')
  @ApiEnvelope(ScheduleView)
  @ApiErrors(404)
  getSchedule(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(actor, id);
  }

  @Patch('schedules/:id')
  @ApiOperation({ summary: 'Change action, cron, time zone or enabled' })
  @RequireScopes('schedules:write')
  @ApiEnvelope(ScheduleView)
  @ApiErrors(400, 404)
  updateSchedule(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateScheduleDto): Promise<ScheduleView> {
    return this.schedules.update(actor, id, body);
  }

  @Delete('schedules/:id')
  @ApiOperation({ summary: 'Delete a schedule (and its history)' })
  @RequireScopes('schedules:write')
  @ApiEnvelope(ScheduleView)
  @ApiErrors(404)
  deleteSchedule(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.remove(actor, id);
  }

  @Post('schedules/:id/enable')
  @ApiOperation({ summary: 'Enable a schedule (next run computed from now)' })
  @RequireScopes('schedules:write')
  @ApiEnvelope(ScheduleView)
  @ApiErrors(404)
  enableSchedule(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.setEnabled(actor, id, true);
  }

  @Post('schedules/:id/disable')
  @ApiOperation({ summary: 'Disable a schedule' })
  @RequireScopes('schedules:write')
  @ApiEnvelope(ScheduleView)
  @ApiErrors(404)
  disableSchedule(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.setEnabled(actor, id, false);
  }

  @Post('schedules/:id/run')
  @ApiOperation({ summary: 'Run the action now, even when disabled; follow it in the executions list' })
  @RequireScopes('schedules:write', 'servers:power')
  @ApiEnvelope(ExecutionView, { status: 202 })
  @ApiErrors(404)
  runSchedule(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ExecutionView> {
    return this.schedules.runNow(actor, id);
  }

  @Get('schedules/:id/executions')
  @ApiOperation({ summary: 'Execution history of a schedule, newest first' })
  @RequireScopes('schedules:read')
  @ApiEnvelope(ExecutionView, { list: true })
  @ApiErrors(404)
  listScheduleExecutions(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() page: PageQuery): Promise<Paginated<ExecutionView>> {
    return this.schedules.executions(actor, id, page);
  }
}
