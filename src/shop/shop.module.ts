import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { ShopCommands } from './shop.commands';
import { ShopController } from './shop.controller';
import { ShopService } from './shop.service';
import { WtgAdminController } from './wtg-admin.controller';

/** WTG coin packages, WTG → GC conversion and the admin grant; the coin ledger itself is the credits module's. */
@Module({
  imports: [CreditsModule, UsersModule],
  controllers: [ShopController, WtgAdminController],
  providers: [ShopService, ShopCommands],
  exports: [ShopService],
})
export class ShopModule {}
