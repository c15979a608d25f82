import { Module } from '@nestjs/common';
import { LeaderboardCommands } from './leaderboard.commands';
import { LeaderboardController } from './leaderboard.controller';
import { LeaderboardRepository } from './leaderboard.repository';
import { LeaderboardService } from './leaderboard.service';

@Module({
  controllers: [LeaderboardController],
  providers: [LeaderboardService, LeaderboardRepository, LeaderboardCommands],
  exports: [LeaderboardService],
})
export class LeaderboardModule {}
