import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { DatabaseGauge } from '../metrics/database-gauge';
import { SchedulesRepository } from './schedules.repository';

export const schedulerMetricProviders = [
  makeCounterProvider({ name: 'scheduler_executions_total', help: 'Schedule executions by action and status', labelNames: ['action', 'status'] }),
  makeHistogramProvider({
    name: 'scheduler_lateness_seconds',
    help: 'Actual start minus scheduled time of cron runs',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  }),
];

/**
 * The scheduler's metrics: `scheduler_schedules{enabled}` read from the database on every scrape (so every
 * replica reports the same truth), runs by action and status, and how late cron runs start.
 */
@Injectable()
export class SchedulerMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SchedulerMetrics.name);
  private schedules?: DatabaseGauge<'enabled'>;

  constructor(
    @InjectMetric('scheduler_executions_total') private readonly executions: Counter<string>,
    @InjectMetric('scheduler_lateness_seconds') private readonly lateness: Histogram<string>,
    private readonly repo: SchedulesRepository,
  ) {}

  onModuleInit(): void {
    this.schedules = new DatabaseGauge<'enabled'>({
      name: 'scheduler_schedules',
      help: 'Schedules by enabled flag (from the database)',
      labelNames: ['enabled'],
      read: async () => {
        const counts = await this.repo.countByEnabled();
        return [true, false].map((enabled) => ({
          labels: { enabled: String(enabled) },
          value: counts.find((c) => c.enabled === enabled)?.count ?? 0,
        }));
      },
      logger: this.logger,
    });
  }

  onModuleDestroy(): void {
    this.schedules?.unregister();
  }

  executed(action: string, status: string): void {
    this.executions.inc({ action, status });
  }

  late(seconds: number): void {
    this.lateness.observe(Math.max(0, seconds));
  }
}
