import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { PageQuery } from '../common/http/pagination';
import { ActivityService } from './activity.service';
import { ActivityView } from './activity.types';

@ApiTags('users')
@Controller('users/me/activity')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get()
  @ApiOperation({
    summary: 'Your security log, newest first: keys created/revoked/blocked, server power actions (scheduled ones too), schedule and webhook changes',
  })
  @RequireScopes('profile:read')
  @ApiEnvelope(ActivityView, { list: true })
  listMyActivity(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<ActivityView>> {
    return this.activity.list(actor, page);
  }
}
