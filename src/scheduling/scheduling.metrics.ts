import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { DatabaseGauge } from '../metrics/database-gauge';
import { SchedulesRepository } from './schedules.repository';

export const schedulerMetricProviders = [
  makeCounterProvider({
    name: 'scheduler_executions_total',
    help: 'Schedule executions by action and status (success, skipped, error); reason: the error code of a skipped or failed run, or internal',
    labelNames: ['action', 'status', 'reason'],
  }),
  makeHistogramProvider({
    name: 'scheduler_lateness_seconds',
    help: 'Actual start minus scheduled time of cron runs',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  }),
];

/**
 * The scheduler's metrics: `scheduler_schedules{enabled}` read from the database on every scrape (so every
 * replica reports the same truth), runs by action and status, and how late cron runs start.
 *
 * `scheduler_schedules` has one series per enabled state whose value is the number of schedules, so
 * `sum(scheduler_schedules{enabled="true"})` is the count. The seed's `count(...)` counts series, not
 * schedules: it can only read sensibly with one series per schedule (an unbounded schedule-id label), so
 * the dashboards and README use `max(scheduler_schedules{enabled="true"})` (every process exports the same
 * number; max does not multiply it by the replicas).
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

  /**
   * One finished run. A failed run is counted as `status="error"` (the seed's alert reads that name; the
   * execution history keeps `failed`), with the bounded reason in its own label.
   */
  executed(action: string, run: { status: string; reason: string | null }): void {
    const status = run.status === 'failed' ? 'error' : run.status;
    this.executions.inc(run.reason ? { action, status, reason: run.reason } : { action, status });
  }

  late(seconds: number): void {
    this.lateness.observe(Math.max(0, seconds));
  }
}
