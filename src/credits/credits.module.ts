import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CreditsRepository } from './credits.repository';
import { CreditsService } from './credits.service';

const metrics = [
  makeCounterProvider({ name: 'agis_credit_transactions_total', help: 'Ledger rows written, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: 'agis_credits_spent_total', help: 'GameCredits spent (hourly server charges and other spends)' }),
];

@Module({
  imports: [WebhooksModule],
  providers: [CreditsService, CreditsRepository, ...metrics],
  exports: [CreditsService],
})
export class CreditsModule {}
