import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { MetricsRepository } from './metrics.repository';

const ACTIVE_USERS = 'agis_bot_active_users';
const WINDOW_HOURS = 24;
/** Scrapes within this span share one count (HA Prometheus pairs, short intervals). */
const REUSE_MS = 5_000;

/**
 * `agis_bot_active_users`: distinct users active in the last 24 h, counted in the database at scrape
 * time, so every process (api, bot, scheduler) reports the same number and a dashboard has data
 * whichever role it scrapes. A failed count keeps the last value: the scrape itself never fails.
 */
@Injectable()
export class BotActivityMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(BotActivityMetrics.name);
  private last = 0;
  private lastAt = 0;
  private pending?: Promise<number>;

  constructor(private readonly repo: MetricsRepository) {}

  onModuleInit(): void {
    // The registry is process-wide; an app built again in the same process (tests) takes the gauge over.
    register.removeSingleMetric(ACTIVE_USERS);
    const activeUsers = () => this.activeUsers();
    new Gauge({
      name: ACTIVE_USERS,
      help: `Distinct users with bot activity (commands, ad rewards) in the last ${WINDOW_HOURS} h, from the database`,
      async collect() {
        this.set(await activeUsers());
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(ACTIVE_USERS);
  }

  private activeUsers(): Promise<number> {
    if (Date.now() - this.lastAt < REUSE_MS) {
      return Promise.resolve(this.last);
    }
    this.pending ??= this.repo.countActiveUsers(WINDOW_HOURS)
      .then((n) => { this.last = n; this.lastAt = Date.now(); return n; })
      .catch((err: unknown) => { this.logger.warn({ err }, 'Could not count active users; reporting the last value'); return this.last; })
      .finally(() => { this.pending = undefined; });
    return this.pending;
  }
}
