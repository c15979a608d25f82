import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DatabaseGauge, GaugeSample } from '../metrics/database-gauge';
import { GameCatalogService } from './catalog/game-catalog.service';
import { SERVER_STATUSES } from './lifecycle/server-status';
import { ServersRepository } from './servers.repository';

type Label = 'game_type' | 'status';

/**
 * `agis_servers{game_type,status}`, counted in the database at scrape time so every replica reports
 * the same truth. Every catalog game and status is reported (zero included) so series never vanish.
 */
@Injectable()
export class ServerMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ServerMetrics.name);
  private servers?: DatabaseGauge<Label>;

  constructor(
    private readonly repo: ServersRepository,
    private readonly catalog: GameCatalogService,
  ) {}

  onModuleInit(): void {
    this.servers = new DatabaseGauge<Label>({
      name: 'agis_servers',
      help: 'Servers by game type and status (from the database)',
      labelNames: ['game_type', 'status'],
      read: () => this.countByGameAndStatus(),
      logger: this.logger,
    });
  }

  onModuleDestroy(): void {
    this.servers?.unregister();
  }

  private async countByGameAndStatus(): Promise<Array<GaugeSample<Label>>> {
    const counts = await this.repo.countByGameAndStatus();
    const samples = new Map<string, GaugeSample<Label>>();
    for (const game of this.catalog.games) {
      for (const status of SERVER_STATUSES) {
        samples.set(`${game.key}/${status}`, { labels: { game_type: game.key, status }, value: 0 });
      }
    }
    for (const c of counts) {
      samples.set(`${c.gameType}/${c.status}`, { labels: { game_type: c.gameType, status: c.status }, value: c.count });
    }
    return [...samples.values()];
  }
}
