import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { SchedulesRepository } from './schedules.repository';

export const schedulerMetricProviders = [
  makeGaugeProvider({ name: 'scheduler_schedules', help: 'Schedules by enabled flag (from the database)', labelNames: ['enabled'] }),
  makeCounterProvider({ name: 'scheduler_executions_total', help: 'Schedule executions by action and status', labelNames: ['action', 'status'] }),
  makeHistogramProvider({
    name: 'scheduler_lateness_seconds', help: 'Actual start minus scheduled time of cron runs',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  }),
];

@Injectable()
export class SchedulerMetrics implements OnModuleInit {
  constructor(
    @InjectMetric('scheduler_schedules') private readonly schedules: Gauge<string>,
    @InjectMetric('scheduler_executions_total') private readonly executions: Counter<string>,
    @InjectMetric('scheduler_lateness_seconds') private readonly lateness: Histogram<string>,
    private readonly repo: SchedulesRepository,
  ) {}

  onModuleInit(): void {
    // The gauge reads the database on every scrape, so every replica reports the same truth.
    const repo = this.repo;
    const gauge = this.schedules;
    Object.assign(gauge, {
      collect: async () => {
        const counts = await repo.countByEnabled().catch(() => []);
        gauge.reset();
        gauge.set({ enabled: 'true' }, counts.find((c) => c.enabled)?.count ?? 0);
        gauge.set({ enabled: 'false' }, counts.find((c) => !c.enabled)?.count ?? 0);
      },
    });
  }

  executed(action: string, status: string): void {
    this.executions.inc({ action, status });
  }

  late(seconds: number): void {
    this.lateness.observe(Math.max(0, seconds));
  }
}
