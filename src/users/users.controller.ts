import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope } from '../common/http/api-docs.decorator';
import { UsersService } from './users.service';
import { ProfileView, StatsView } from './users.types';

/** GET /users/me and /users/me/stats; the ledger and daily bonus routes under /users/me are the credits module's. */
@ApiTags('users')
@Controller('users/me')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Your profile: Discord id, username, balances, tier' })
  @RequireScopes('profile:read')
  @ApiEnvelope(ProfileView)
  getProfile(@CurrentActor() actor: Actor): Promise<ProfileView> {
    return this.users.getProfile(actor);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Your usage statistics' })
  @RequireScopes('profile:read')
  @ApiEnvelope(StatsView)
  getStats(@CurrentActor() actor: Actor): Promise<StatsView> {
    return this.users.getStats(actor);
  }
}
