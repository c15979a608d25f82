import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { ShopCommands } from './shop.commands';
import { ShopController } from './shop.controller';
import { ShopService } from './shop.service';
import { WtgAdminController } from './wtg-admin.controller';
import { WTG_TRANSACTIONS_TOTAL, WtgLedgerService } from './wtg-ledger.service';

const metrics = [
  makeCounterProvider({ name: WTG_TRANSACTIONS_TOTAL, help: 'WTG coin ledger rows written, by reason (wtg_purchase, wtg_conversion)', labelNames: ['reason'] }),
];

@Module({
  imports: [CreditsModule, UsersModule],
  controllers: [ShopController, WtgAdminController],
  providers: [ShopService, WtgLedgerService, ...metrics, ShopCommands],
  exports: [ShopService, WtgLedgerService],
})
export class ShopModule {}
