import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { LeaderboardCommands } from './leaderboard.commands';
import { LeaderboardController } from './leaderboard.controller';
import { LeaderboardService } from './leaderboard.service';

/** Boards over the users' rankings (UsersService): caching and rank checkpoints live here, the SQL in users/. */
@Module({
  imports: [UsersModule],
  controllers: [LeaderboardController],
  providers: [LeaderboardService, LeaderboardCommands],
  exports: [LeaderboardService],
})
export class LeaderboardModule {}
