import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { GameCatalogService } from './game-catalog.service';
import { SERVER_STATUSES } from './server-status';
import { ServersRepository } from './servers.repository';

const NAME = 'agis_servers';

/**
 * `agis_servers{game_type,status}`, counted in the database at scrape time so every replica reports
 * the same truth. Every catalog game and status is reported (zero included) so series never vanish.
 */
@Injectable()
export class ServerMetricsService implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly servers: ServersRepository, private readonly catalog: GameCatalogService) {}

  onModuleInit(): void {
    // The registry is process-wide; an app built again in the same process (tests) takes the gauge over.
    register.removeSingleMetric(NAME);
    const servers = this.servers;
    const catalog = this.catalog;
    new Gauge({
      name: NAME,
      help: 'Servers by game type and status (from the database)',
      labelNames: ['game_type', 'status'],
      async collect() {
        // A database outage must not fail the whole scrape: keep the last values until it answers.
        const counts = await servers.countByGameAndStatus().catch(() => null);
        if (!counts) {
          return;
        }
        this.reset();
        for (const game of catalog.games) {
          for (const status of SERVER_STATUSES) {
            this.set({ game_type: game.key, status }, 0);
          }
        }
        for (const c of counts) {
          this.set({ game_type: c.gameType, status: c.status }, c.count);
        }
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(NAME);
  }
}
