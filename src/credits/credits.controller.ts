import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../common/actor';
import { ApiEnvelope } from '../common/api-docs.decorator';
import { Paginated } from '../common/envelope';
import { PageQuery } from '../common/pagination';
import { CreditsService } from './credits.service';
import { CreditTransactionView } from './credits.types';

@ApiTags('credits')
@Controller('credits')
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get('transactions')
  @ApiOperation({ summary: 'Your GameCredits ledger, newest first: every grant, hourly charge and refund' })
  @RequireScopes('profile:read')
  @ApiEnvelope(CreditTransactionView, { list: true })
  listCreditTransactions(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<CreditTransactionView>> {
    return this.credits.history(actor, page);
  }
}
