import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../activity/activity.module';
import { CreditsModule } from '../credits/credits.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { GameCatalogService } from './game-catalog.service';
import { GamesCommands } from './games.commands';
import { GamesController } from './games.controller';
import { Server } from './server.entity';
import { ServerBillingService } from './server-billing.service';
import { ServerMetricsService } from './server-metrics.service';
import { ServerProvisioner } from './server-provisioner.service';
import { ServerReconcilerService } from './server-reconciler.service';
import { ServerWatchService } from './server-watch.service';
import { ServersCommands } from './servers.commands';
import { ServersComponents } from './servers.components';
import { ServersController } from './servers.controller';
import { ServersRepository } from './servers.repository';
import { ServersService } from './servers.service';

/** Game catalog, servers and their lifecycle on Agones (AgonesModule is global), hourly billing. */
@Module({
  imports: [TypeOrmModule.forFeature([Server]), CreditsModule, WebhooksModule, ActivityModule],
  controllers: [GamesController, ServersController],
  providers: [
    GameCatalogService, ServersRepository, ServersService, ServerProvisioner,
    ServerBillingService, ServerReconcilerService, ServerWatchService, ServerMetricsService,
    ServersCommands, ServersComponents, GamesCommands,
  ],
  exports: [ServersService, GameCatalogService, ServerBillingService],
})
export class ServersModule {}
