import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { ServersModule } from '../servers/servers.module';
import { GuildMembersRepository } from './guild-members.repository';
import { GuildChannelCommands, GuildCommands, GuildServersCommands } from './guilds.commands';
import { GuildsController } from './guilds.controller';
import { GuildsService } from './guilds.service';

/** Discord guilds: their members and managers (guild_members, refreshed by every /guild command), the treasury (credits/)
 * and the servers it pays for (servers/). */
@Module({
  imports: [CreditsModule, ServersModule],
  controllers: [GuildsController],
  providers: [GuildsService, GuildMembersRepository, GuildCommands, GuildChannelCommands, GuildServersCommands],
  exports: [GuildsService],
})
export class GuildsModule {}
