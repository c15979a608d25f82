import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { PaymentsModule } from '../payments/payments.module';
import { UsersModule } from '../users/users.module';
import { ConvertCommands, ShopCommands } from './shop.commands';
import { ShopController } from './shop.controller';
import { ShopService } from './shop.service';
import { WtgAdminController } from './wtg-admin.controller';

/** WTG coin packages, buying them (payments/), WTG → GC conversion and the admin grant; the coin ledger itself is the credits module's. */
@Module({
  imports: [CreditsModule, UsersModule, PaymentsModule],
  controllers: [ShopController, WtgAdminController],
  providers: [ShopService, ShopCommands, ConvertCommands],
  exports: [ShopService],
})
export class ShopModule {}
