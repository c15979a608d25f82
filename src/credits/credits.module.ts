import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { UsersModule } from '../users/users.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { DailyBonusCommands } from './daily-bonus.commands';
import { DailyBonusService } from './daily-bonus.service';
import { LedgerRepository } from './ledger.repository';
import { WTG_TRANSACTIONS_TOTAL, WtgLedgerService } from './wtg-ledger.service';

const metrics = [
  makeCounterProvider({ name: 'agis_credit_transactions_total', help: 'Ledger rows written, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: 'agis_credits_spent_total', help: 'GameCredits spent (hourly server charges and other spends)' }),
  makeCounterProvider({
    name: WTG_TRANSACTIONS_TOTAL,
    help: 'WTG coin ledger rows written, by reason (wtg_purchase, wtg_conversion)',
    labelNames: ['reason'],
  }),
];

/** The economy: GC and WTG ledgers (credit_transactions, wtg_transactions) over the balances on users, and the daily bonus. */
@Module({
  imports: [UsersModule, WebhooksModule],
  controllers: [CreditsController],
  providers: [CreditsService, WtgLedgerService, DailyBonusService, LedgerRepository, DailyBonusCommands, ...metrics],
  exports: [CreditsService, WtgLedgerService],
})
export class CreditsModule {}
