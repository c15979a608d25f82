import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { UsersModule } from '../users/users.module';
import { LobbyCommands } from './lobby.commands';
import { LobbyController } from './lobby.controller';
import { LobbyService } from './lobby.service';

/** The public lobby over ServersService (servers/ owns the listing columns) and UsersService (owner names). */
@Module({
  imports: [ServersModule, UsersModule],
  controllers: [LobbyController],
  providers: [LobbyService, LobbyCommands],
})
export class LobbyModule {}
