import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { DemoSeedService } from './demo-seed.service';

/** The first-run demo user (main.ts seeds it when DEMO_SEED is on). */
@Module({
  imports: [ApiKeysModule, CreditsModule, UsersModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
