import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/**
 * Buffers `last_used_at` updates in memory and writes them in one statement per interval,
 * so an authenticated request never waits on a write.
 */
@Injectable()
export class ApiKeyTouchService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyTouchService.name);
  private pending = new Map<string, Date>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: DataSource, private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.API_KEY_TOUCH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  touch(keyId: string): void {
    this.pending.set(keyId, new Date());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0 || !this.db.isInitialized) {
      return;
    }
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.db.query(
        `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, v.used_at)
         FROM unnest($1::text[], $2::timestamptz[]) AS v(id, used_at) WHERE k.id = v.id`,
        [[...batch.keys()], [...batch.values()].map((d) => d.toISOString())]);
    } catch (err) {
      this.logger.warn({ err }, 'Could not record API key usage; will retry');
      for (const [k, v] of batch) {
        if (!this.pending.has(k)) {
          this.pending.set(k, v);
        }
      }
    }
  }
}
