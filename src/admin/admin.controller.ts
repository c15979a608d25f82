import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActivityView } from '../activity/activity.types';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { PageQuery } from '../common/http/pagination';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { DeletedServerView, ServerActionView } from '../servers/servers.types';
import { AdminService } from './admin.service';
import { AdminServerView, AdminUserView, CreditAdjustmentView, SuspensionView } from './admin.types';
import { AdjustCreditsDto, AdminSearchDto, LiftSuspensionDto, StaffReasonDto } from './dto/admin.dto';

/** Staff tools over every user's servers and accounts; every route needs the `admin` scope. A user is named by agis id or Discord id. */
@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('servers')
  @ApiOperation({ summary: "Every user's servers, newest first; search by part of the name, or an exact server or owner id" })
  @RequireScopes('admin')
  @ApiEnvelope(AdminServerView, { list: true })
  @ApiErrors(400)
  searchAllServers(@CurrentActor() actor: Actor, @Query() query: AdminSearchDto): Promise<Paginated<AdminServerView>> {
    return this.admin.searchServers(actor, query.search, query);
  }

  @Post('servers/:id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: "Stop anyone's server; the owner is told the reason by direct message (409 if it is not running)" })
  @RequireScopes('admin')
  @ApiEnvelope(ServerActionView)
  @ApiErrors(400, 404, 409)
  staffStopServer(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: StaffReasonDto): Promise<ServerActionView> {
    return this.admin.stopServer(actor, id, body.reason);
  }

  @Post('servers/:id/deletion')
  @HttpCode(200)
  @ApiOperation({ summary: "Delete anyone's server (stopping it first); the owner is told the reason by direct message" })
  @RequireScopes('admin')
  @ApiEnvelope(DeletedServerView)
  @ApiErrors(400, 404, 409)
  staffDeleteServer(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: StaffReasonDto): Promise<DeletedServerView> {
    return this.admin.deleteServer(actor, id, body.reason);
  }

  @Get('users')
  @ApiOperation({ summary: 'Every user, newest first; search by part of the name, or an exact user or Discord id' })
  @RequireScopes('admin')
  @ApiEnvelope(AdminUserView, { list: true })
  @ApiErrors(400)
  searchAllUsers(@CurrentActor() actor: Actor, @Query() query: AdminSearchDto): Promise<Paginated<AdminUserView>> {
    return this.admin.searchUsers(actor, query.search, query);
  }

  @Post('users/:id/credits')
  @HttpCode(200)
  @ApiOperation({ summary: "Grant (positive) or take (negative) a user's GC, with a reason; never below zero (422)" })
  @RequireScopes('admin')
  @ApiEnvelope(CreditAdjustmentView)
  @ApiErrors(400, 404, 422)
  @Idempotent()
  adjustUserCredits(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AdjustCreditsDto): Promise<CreditAdjustmentView> {
    return this.admin.adjustCredits(actor, id, body.amount, body.reason);
  }

  @Post('users/:id/suspension')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a user: their API keys and Discord commands are refused, their running servers stopped (409 if already)' })
  @RequireScopes('admin')
  @ApiEnvelope(SuspensionView)
  @ApiErrors(400, 404, 409)
  suspendUser(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: StaffReasonDto): Promise<SuspensionView> {
    return this.admin.suspend(actor, id, body.reason);
  }

  @Delete('users/:id/suspension')
  @ApiOperation({ summary: "Lift a user's suspension (409 if not suspended); stopped servers stay stopped" })
  @RequireScopes('admin')
  @ApiEnvelope(SuspensionView)
  @ApiErrors(400, 404, 409)
  unsuspendUser(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: LiftSuspensionDto): Promise<SuspensionView> {
    return this.admin.unsuspend(actor, id, body.reason ?? 'Suspension lifted');
  }

  @Get('users/:id/activity')
  @ApiOperation({ summary: "A user's activity log, newest first" })
  @RequireScopes('admin')
  @ApiEnvelope(ActivityView, { list: true })
  @ApiErrors(400, 404)
  getUserActivity(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQuery): Promise<Paginated<ActivityView>> {
    return this.admin.activityOf(actor, id, query);
  }
}
