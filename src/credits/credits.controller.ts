import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { PageQuery } from '../common/http/pagination';
import { CreditsService } from './credits.service';
import { CreditTransactionView, DailyBonusView } from './credits.types';
import { DailyBonusService } from './daily-bonus.service';

/** The caller's GC ledger and daily bonus, under /users/me beside the profile (UsersController). */
@ApiTags('users')
@Controller('users/me')
export class CreditsController {
  constructor(
    private readonly credits: CreditsService,
    private readonly daily: DailyBonusService,
  ) {}

  @Get('transactions')
  @ApiOperation({ summary: 'Your GameCredits ledger, newest first' })
  @RequireScopes('profile:read')
  @ApiEnvelope(CreditTransactionView, { list: true })
  listMyTransactions(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<CreditTransactionView>> {
    return this.credits.history(actor, page);
  }

  @Post('daily')
  @ApiOperation({
    summary: 'Claim the daily bonus: 50 GC (premium 100), once per sliding 24 h; 409 with retryAfterSeconds and nextClaimAt otherwise',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(DailyBonusView)
  @ApiErrors(409)
  claimDailyBonus(@CurrentActor() actor: Actor): Promise<DailyBonusView> {
    return this.daily.claim(actor);
  }
}
