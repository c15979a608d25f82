import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { ServersModule } from '../servers/servers.module';
import { UsersModule } from '../users/users.module';
import { HelpCommands } from './help.commands';
import { ProfileCommands } from './profile.commands';
import { ProfileService } from './profile.service';

/** /help (from the registered command tree) and /profile (a summary over users, servers, leaderboard and activity). */
@Module({
  imports: [UsersModule, ServersModule, LeaderboardModule, ActivityModule],
  providers: [HelpCommands, ProfileCommands, ProfileService],
})
export class HelpModule {}
