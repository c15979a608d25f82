import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { CreditsModule } from '../credits/credits.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ServerBillingService } from './billing/server-billing.service';
import { ServerPayer } from './billing/server-payer.service';
import { CatalogRepository } from './catalog/catalog.repository';
import { GameCatalogService } from './catalog/game-catalog.service';
import { GamesAdminController } from './catalog/games-admin.controller';
import { GamesCommands } from './catalog/games.commands';
import { GamesController } from './catalog/games.controller';
import { ServersCommands } from './discord/servers.commands';
import { ServersComponents } from './discord/servers.components';
import { ServerProvisioner } from './lifecycle/server-provisioner.service';
import { ServerReconcilerService } from './lifecycle/server-reconciler.service';
import { ServerWatchService } from './lifecycle/server-watch.service';
import { ServersController } from './servers.controller';
import { ServerMetrics } from './servers.metrics';
import { ServersRepository } from './servers.repository';
import { ServerListingsService } from './server-listings.service';
import { ServersService } from './servers.service';

/**
 * Game catalog, servers and their lifecycle on Agones (AgonesModule is global), hourly billing.
 * Scheduler-role jobs (started by SchedulerRoleModule): ServerBillingService, ServerReconcilerService, ServerWatchService.
 */
@Module({
  imports: [CreditsModule, WebhooksModule, ActivityModule],
  controllers: [GamesController, GamesAdminController, ServersController],
  providers: [
    GameCatalogService,
    CatalogRepository,
    ServersRepository,
    ServersService,
    ServerListingsService,
    ServerProvisioner,
    ServerBillingService,
    ServerPayer,
    ServerReconcilerService,
    ServerWatchService,
    ServerMetrics,
    ServersCommands,
    ServersComponents,
    GamesCommands,
  ],
  exports: [ServersService, ServerListingsService, GameCatalogService, ServerBillingService, ServerReconcilerService, ServerWatchService],
})
export class ServersModule {}
