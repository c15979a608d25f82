import { Module } from '@nestjs/common';
import { UserBalancesRepository } from './user-balances.repository';
import { UserRankingsRepository } from './user-rankings.repository';
import { UserStatsRepository } from './user-stats.repository';
import { UsersCommands } from './users.commands';
import { UsersController } from './users.controller';
import { UsersMetrics } from './users.metrics';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Owns users and user_stats; imports no other feature (the economy builds on it, not the reverse). */
@Module({
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, UserBalancesRepository, UserStatsRepository, UserRankingsRepository, UsersMetrics, UsersCommands],
  exports: [UsersService],
})
export class UsersModule {}
