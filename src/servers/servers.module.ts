import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../activity/activity.module';
import { CreditsModule } from '../credits/credits.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { GameCatalogService } from './game-catalog.service';
import { GamesController } from './games.controller';
import { Server } from './server.entity';
import { ServerBillingService } from './server-billing.service';
import { ServerMetricsService } from './server-metrics.service';
import { ServerProvisioner } from './server-provisioner.service';
import { ServerReconcilerService } from './server-reconciler.service';
import { ServerWatchService } from './server-watch.service';
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
  ],
  exports: [ServersService, GameCatalogService, ServerBillingService],
})
export class ServersModule {}
