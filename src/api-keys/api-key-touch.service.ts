import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { parseToken } from '../auth/api-key-token';
import { BackgroundJob } from '../common/background/background-job';
import { PeriodicJob } from '../common/background/periodic-job';
import { AppConfig } from '../config/app-config';
import { FinishedRequest, HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { UsersService } from '../users/users.service';
import { RATE_LIMITED } from './api-keys.metrics';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyUsageCount } from './api-keys.types';

const HOUR_MS = 3_600_000;
/** Hourly usage is kept this long: the owner's view reads 7 days, plus a day of slack. */
export const USAGE_KEPT_MS = 8 * 24 * HOUR_MS;

/**
 * Buffers "this key was just used" in memory and writes the batch on an interval (api_keys.last_used_at,
 * and the owners' last activity), so an authenticated request never waits on a write. It runs in every
 * process that authenticates requests, so it starts itself; the last batch is written at shutdown.
 * The same batches carry each key's per-hour request and error counts (api_key_usage, one upsert row per
 * key and hour), taken from every finished request the HTTP metrics middleware reports, and purge hours
 * older than 8 days at most once an hour.
 */
@Injectable()
export class ApiKeyTouchService implements BackgroundJob, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyTouchService.name);
  private pending = new Map<string, { userId: string; at: Date }>();
  private usage = new Map<string, ApiKeyUsageCount>();
  /** Keys this process has authenticated: the only ids a rate-limit refusal is counted under. */
  private readonly known = new Set<string>();
  private lastPurge = 0;
  private readonly job: PeriodicJob;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    config: AppConfig,
    httpMetrics: HttpMetricsMiddleware,
    @InjectMetric(RATE_LIMITED) private readonly rateLimited: Counter<string>,
  ) {
    httpMetrics.onFinished((request) => this.countRequest(request));
    // The "none" series exists from the start, so the dashboard's refusals panel reads 0 rather than "no data".
    this.rateLimited.inc({ key_id: 'none' }, 0);
    this.job = new PeriodicJob({
      what: 'Recording API key usage',
      everyMs: config.API_KEY_TOUCH_INTERVAL_MS,
      logger: this.logger,
      run: () => this.write(),
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  // Before, not on, shutdown: TypeORM closes the connection in its own onApplicationShutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.job.start();
  }

  /** Stops the interval and writes what is still buffered. */
  async stop(): Promise<void> {
    await this.job.stop();
    await this.flush();
  }

  touch(keyId: string, userId: string): void {
    this.pending.set(keyId, { userId, at: new Date() });
    if (!this.known.has(keyId)) {
      this.known.add(keyId);
      // The key's refusal series starts at 0, so Prometheus sees its first refusals as an increase.
      this.rateLimited.inc({ key_id: keyId }, 0);
    }
  }

  /** Counts one finished request in memory (hot path: a map update); written with the next batch. */
  countRequest({ req, status, keyId }: FinishedRequest): void {
    if (keyId === undefined) {
      if (status === 429) {
        const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
        const presented = match ? parseToken(match[1])?.id : undefined;
        this.rateLimited.inc({ key_id: presented !== undefined && this.known.has(presented) ? presented : 'none' });
      }
      return;
    }
    const hourMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const slot = `${keyId}@${hourMs}`;
    const count = this.usage.get(slot) ?? { keyId, hour: new Date(hourMs), requests: 0, errors: 0 };
    count.requests += 1;
    count.errors += status >= 400 ? 1 : 0;
    this.usage.set(slot, count);
  }

  /** Writes every use buffered so far (tests call it instead of waiting for the interval). */
  async flush(): Promise<void> {
    // The first call may only join a write in flight that took its batch before the latest uses.
    await this.job.runOnce();
    if (this.pending.size > 0 || this.usage.size > 0) {
      await this.job.runOnce();
    }
  }

  private async write(): Promise<void> {
    await this.writeUsage();
    if (this.pending.size === 0) {
      return;
    }
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.keys.recordUses([...batch].map(([keyId, use]) => ({ keyId, at: use.at })));
      await this.users.recordKeyUses([...batch.values()]);
    } catch (err) {
      // Both writes only ever move times forward, so writing the whole batch again is harmless.
      for (const [k, v] of batch) {
        if (!this.pending.has(k)) {
          this.pending.set(k, v);
        }
      }
      throw err;
    }
  }

  private async writeUsage(): Promise<void> {
    if (this.usage.size > 0) {
      const batch = this.usage;
      this.usage = new Map();
      try {
        await this.keys.addUsage([...batch.values()]);
      } catch (err) {
        // One statement: it failed whole, so its counts go back to be added with the next batch.
        for (const [slot, count] of batch) {
          const later = this.usage.get(slot);
          this.usage.set(slot, later ? { ...count, requests: count.requests + later.requests, errors: count.errors + later.errors } : count);
        }
        throw err;
      }
    }
    if (Date.now() - this.lastPurge >= HOUR_MS) {
      await this.keys.purgeUsageBefore(new Date(Date.now() - USAGE_KEPT_MS));
      this.lastPurge = Date.now();
    }
  }
}
