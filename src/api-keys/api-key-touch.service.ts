import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJob } from '../common/background/background-job';
import { PeriodicJob } from '../common/background/periodic-job';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * Buffers "this key was just used" in memory and writes the batch on an interval (api_keys.last_used_at,
 * and the owners' last activity), so an authenticated request never waits on a write. It runs in every
 * process that authenticates requests, so it starts itself; the last batch is written at shutdown.
 */
@Injectable()
export class ApiKeyTouchService implements BackgroundJob, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyTouchService.name);
  private pending = new Map<string, { userId: string; at: Date }>();
  private readonly job: PeriodicJob;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    config: AppConfig,
  ) {
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
  }

  /** Writes every use buffered so far (tests call it instead of waiting for the interval). */
  async flush(): Promise<void> {
    // The first call may only join a write in flight that took its batch before the latest uses.
    await this.job.runOnce();
    if (this.pending.size > 0) {
      await this.job.runOnce();
    }
  }

  private async write(): Promise<void> {
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
}
