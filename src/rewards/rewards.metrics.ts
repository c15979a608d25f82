import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BackgroundJob } from '../common/background/background-job';
import { PeriodicJob } from '../common/background/periodic-job';
import { FRAUD_REASONS } from './fraud-rules';
import { DEFAULT_TYPE, REWARD_PROVIDERS } from './reward-payload';
import { UsersService } from '../users/users.service';
import { RewardsRepository } from './rewards.repository';
import { CONVERSION_STATUSES, ConversionStatus } from './rewards.types';

const CONVERSIONS = 'agis_ad_conversions_total';
const REWARDS = 'agis_ad_rewards_total';
const LATENCY = 'agis_ad_callback_latency_seconds';
const FRAUD = 'agis_ad_fraud_total';
const TOP_EARNERS = 'agis_ad_top_earner_rewards_24h';

export const TOP_EARNERS_SHOWN = 10;
const TOP_EARNERS_REFRESH_MS = 30_000;

/**
 * Every label is bounded: providers and types are closed lists, and users appear only in the top-earners
 * gauge, as a rank 1..10 with their Discord username (at most 10 series, replaced on every refresh).
 */
export const rewardsMetricProviders = [
  makeCounterProvider({
    name: CONVERSIONS,
    help: 'Ad-network conversions by provider, type and status (completed, fraud, rejected)',
    labelNames: ['provider', 'type', 'status'],
  }),
  makeCounterProvider({ name: REWARDS, help: 'GameCredits credited for ad conversions', labelNames: ['provider', 'type'] }),
  makeHistogramProvider({
    name: LATENCY,
    help: 'Seconds from the conversion (provider timestamp, else request start) to our decision',
    labelNames: ['provider'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900],
  }),
  makeCounterProvider({ name: FRAUD, help: 'Ad conversions marked fraud, by rule', labelNames: ['provider', 'reason'] }),
  makeGaugeProvider({
    name: TOP_EARNERS,
    help: 'GC from ad rewards in the last 24 h of the N-th top earner (rank 1-10, user: Discord username); at most 10 series',
    labelNames: ['rank', 'user'],
  }),
];

/**
 * The revenue dashboard's metrics. The top-earners gauge is re-read from the database every 30 s in
 * every process (each one exports it), so it starts itself at bootstrap rather than with a role.
 */
@Injectable()
export class RewardsMetrics implements BackgroundJob, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RewardsMetrics.name);
  private readonly topEarnersJob = new PeriodicJob({
    what: 'Top-earners gauge refresh',
    everyMs: TOP_EARNERS_REFRESH_MS,
    runAtStart: true,
    logger: this.logger,
    run: () => this.refreshTopEarners(),
  });

  constructor(
    private readonly repo: RewardsRepository,
    private readonly users: UsersService,
    @InjectMetric(CONVERSIONS) private readonly conversions: Counter<string>,
    @InjectMetric(REWARDS) private readonly rewards: Counter<string>,
    @InjectMetric(LATENCY) private readonly latency: Histogram<string>,
    @InjectMetric(FRAUD) private readonly fraud: Counter<string>,
    @InjectMetric(TOP_EARNERS) private readonly topEarners: Gauge<string>,
  ) {
    // Series exist from boot so rate() and alerts see 0 rather than "no data".
    for (const provider of REWARD_PROVIDERS) {
      for (const status of CONVERSION_STATUSES) {
        this.conversions.inc({ provider, type: DEFAULT_TYPE[provider], status }, 0);
      }
      this.rewards.inc({ provider, type: DEFAULT_TYPE[provider] }, 0);
      for (const reason of FRAUD_REASONS) {
        this.fraud.inc({ provider, reason }, 0);
      }
    }
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.topEarnersJob.start();
  }

  stop(): Promise<void> {
    return this.topEarnersJob.stop();
  }

  recordOutcome(o: {
    provider: string;
    type: string;
    status: ConversionStatus;
    reason: string | null;
    credited: number;
    latencySeconds: number;
  }): void {
    this.conversions.inc({ provider: o.provider, type: o.type, status: o.status });
    this.latency.observe({ provider: o.provider }, o.latencySeconds);
    if (o.status === 'completed') {
      this.rewards.inc({ provider: o.provider, type: o.type }, o.credited);
    }
    if (o.status === 'fraud' && o.reason) {
      this.fraud.inc({ provider: o.provider, reason: o.reason });
    }
  }

  /** A callback refused before we could trust its body: counted as rejected with type "unverified". */
  recordRefused(provider: string): void {
    this.conversions.inc({ provider, type: 'unverified', status: 'rejected' });
  }

  /** One refresh of the top-earners gauge (the job's pass; tests call it to read now). */
  async refreshTopEarners(): Promise<void> {
    try {
      const top = await this.repo.topEarners24h(TOP_EARNERS_SHOWN);
      const names = await this.users.usernamesOf(top.map((e) => e.userId));
      // Reset first: the users who left the top 10 lose their series.
      this.topEarners.reset();
      top.forEach((e, i) => this.topEarners.set({ rank: String(i + 1), user: names.get(e.userId) ?? 'deleted user' }, e.total));
    } catch (err) {
      // Keep the last values; a scrape must not fail because the database blinked.
      this.logger.warn({ err }, 'Could not refresh the top-earners gauge');
    }
  }
}
