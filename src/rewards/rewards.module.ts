import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { RewardsController } from './rewards.controller';
import { RewardsMetrics, rewardsMetricProviders } from './rewards.metrics';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

@Module({
  imports: [CreditsModule, UsersModule],
  controllers: [RewardsController],
  providers: [RewardsService, RewardsRepository, RewardsMetrics, ...rewardsMetricProviders],
})
export class RewardsModule {}
