import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { ApiEnvelope, ApiErrors } from '../common/api-docs.decorator';
import { Paginated } from '../common/envelope';
import { PageQuery } from '../common/pagination';
import { CreditsService } from '../credits/credits.service';
import { CreditTransactionView } from '../credits/credits.types';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { DailyBonusService } from './daily-bonus.service';
import { UsersService } from './users.service';
import { DailyBonusView, ProfileView, StatsView } from './users.types';

@ApiTags('users')
@Controller('users/me')
export class UsersController {
  constructor(private readonly users: UsersService, private readonly daily: DailyBonusService, private readonly credits: CreditsService) {}

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

  @Get('transactions')
  @ApiOperation({ summary: 'Your GameCredits ledger, newest first' })
  @RequireScopes('profile:read')
  @ApiEnvelope(CreditTransactionView, { list: true })
  listMyTransactions(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<CreditTransactionView>> {
    return this.credits.history(actor, page);
  }

  @Post('daily')
  @ApiOperation({ summary: 'Claim the daily bonus: 50 GC (premium 100), once per sliding 24 h; 409 with retryAfterSeconds and nextClaimAt otherwise' })
  @RequireScopes('credits:write')
  @ApiEnvelope(DailyBonusView)
  @ApiErrors(409)
  claimDailyBonus(@CurrentActor() actor: Actor): Promise<DailyBonusView> {
    return this.daily.claim(actor);
  }
}
