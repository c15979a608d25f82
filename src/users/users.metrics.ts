import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DatabaseGauge } from '../metrics/database-gauge';
import { UsersService } from './users.service';

const WINDOW_HOURS = 24;

/**
 * `agis_bot_active_users`: distinct users active in the last 24 h, counted in the database at scrape
 * time, so every process (api, bot, scheduler) reports the same number and a dashboard has data
 * whichever role it scrapes. Scrapes within 5 s share one count.
 */
@Injectable()
export class UsersMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UsersMetrics.name);
  private activeUsers?: DatabaseGauge;

  constructor(private readonly users: UsersService) {}

  onModuleInit(): void {
    this.activeUsers = new DatabaseGauge({
      name: 'agis_bot_active_users',
      help: `Distinct users with any authenticated activity (REST calls with an API key, Discord commands, ad rewards) in the last ${WINDOW_HOURS} h, from the database`,
      read: () => this.users.countActiveSince(WINDOW_HOURS),
      logger: this.logger,
      reuseMs: 5_000,
    });
  }

  onModuleDestroy(): void {
    this.activeUsers?.unregister();
  }
}
