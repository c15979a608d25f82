import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { RewardOffersCommands } from './reward-offers.commands';
import { RewardOffersController } from './reward-offers.controller';
import { RewardOffersService } from './reward-offers.service';
import { RewardsController } from './rewards.controller';
import { RewardsMetrics, rewardsMetricProviders } from './rewards.metrics';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

@Module({
  imports: [CreditsModule, UsersModule],
  controllers: [RewardsController, RewardOffersController],
  providers: [RewardsService, RewardsRepository, RewardsMetrics, RewardOffersService, RewardOffersCommands, ...rewardsMetricProviders],
})
export class RewardsModule {}
