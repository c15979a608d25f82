import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { EventsModule } from '../events/events.module';
import { UsersModule } from '../users/users.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { DailyBonusCommands } from './daily-bonus.commands';
import { DailyBonusService } from './daily-bonus.service';
import { GiftsCommands } from './gifts.commands';
import { GiftsController } from './gifts.controller';
import { GiftsRepository } from './gifts.repository';
import { GiftsService } from './gifts.service';
import { GuildTreasuryRepository } from './guild-treasury.repository';
import { GuildTreasuryService } from './guild-treasury.service';
import { LedgerRepository } from './ledger.repository';
import { MembersService } from './members.service';
import { PremiumCommands } from './premium.commands';
import { PremiumController } from './premium.controller';
import { PremiumService } from './premium.service';
import { RewardSlotsService } from './reward-slots.service';
import { TransactionsCommands } from './transactions.commands';
import { TransactionsComponents } from './transactions.components';
import { WorkCommands } from './work.commands';
import { WorkController } from './work.controller';
import { WorkService } from './work.service';
import { WTG_TRANSACTIONS_TOTAL, WtgLedgerService } from './wtg-ledger.service';

/** Starter credits (MembersService, the Discord layer's DiscordUsers), /work and premium. */
const everyday = {
  controllers: [WorkController, PremiumController],
  providers: [MembersService, RewardSlotsService, WorkService, PremiumService, WorkCommands, PremiumCommands],
};

/** Gifts between users (the receiver's direct message goes through the events log) and /transactions. */
const sharing = {
  controllers: [GiftsController],
  providers: [GiftsService, GiftsRepository, GiftsCommands, TransactionsCommands, TransactionsComponents],
};

const metrics = [
  makeCounterProvider({ name: 'agis_credit_transactions_total', help: 'Ledger rows written, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: 'agis_credits_spent_total', help: 'GameCredits spent (hourly server charges and other spends)' }),
  makeCounterProvider({
    name: WTG_TRANSACTIONS_TOTAL,
    help: 'WTG coin ledger rows written, by reason (wtg_purchase, wtg_conversion)',
    labelNames: ['reason'],
  }),
];

/** The economy: GC and WTG ledgers (credit_transactions, wtg_transactions) over the balances on users, the daily bonus, work, premium and starter credits. */
@Module({
  imports: [UsersModule, WebhooksModule, EventsModule],
  controllers: [CreditsController, ...everyday.controllers, ...sharing.controllers],
  providers: [
    CreditsService,
    WtgLedgerService,
    DailyBonusService,
    LedgerRepository,
    GuildTreasuryService,
    GuildTreasuryRepository,
    DailyBonusCommands,
    ...everyday.providers,
    ...sharing.providers,
    ...metrics,
  ],
  exports: [CreditsService, WtgLedgerService, MembersService, GuildTreasuryService],
})
export class CreditsModule {}
