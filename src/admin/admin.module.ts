import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { CreditsModule } from '../credits/credits.module';
import { EventsModule } from '../events/events.module';
import { ServersModule } from '../servers/servers.module';
import { UsersModule } from '../users/users.module';
import { AdminPricingCommands } from './admin-pricing.commands';
import { AdminServersCommands, AdminUsersCommands } from './admin.commands';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/** Staff tools (REST /admin/servers|users, Discord /admin servers|users|pricing): nothing imports this module. */
@Module({
  imports: [ServersModule, UsersModule, CreditsModule, ActivityModule, EventsModule],
  controllers: [AdminController],
  providers: [AdminService, AdminServersCommands, AdminUsersCommands, AdminPricingCommands],
})
export class AdminModule {}
