import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { MemoryRateLimitCounter, RateLimitCounter, WindowHit } from './rate-limit-counter.service';

/** INCR and PEXPIRE in one atomic script: concurrent hits from many replicas never lose a count or a window end. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}`;
const WARN_EVERY_MS = 30_000;

type HitCommand = Redis & { agisRateHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Counters in Redis, shared by every replica. Redis only holds counters (PostgreSQL is the source of
 * truth), so when it is unreachable requests are counted in memory instead of being refused: limits
 * then hold per replica until Redis is back.
 */
@Injectable()
export class RedisRateLimitCounter extends RateLimitCounter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisRateLimitCounter.name);
  private readonly redis: HitCommand;
  private readonly fallback = new MemoryRateLimitCounter();
  private lastWarnAt = 0;

  constructor(private readonly config: AppConfig) {
    super();
    this.redis = new Redis(config.REDIS_URL!, {
      keyPrefix: config.RATE_LIMIT_REDIS_PREFIX,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 500,
    }) as HitCommand;
    this.redis.defineCommand('agisRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis.on('error', (err: Error) => this.warn(err));
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (err) {
      this.warn(err as Error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }

  async hit(key: string, windowMs: number): Promise<WindowHit> {
    try {
      const [count, ttl] = await this.redis.agisRateHit(key, windowMs);
      return { count: Number(count), resetInMs: Number(ttl) };
    } catch (err) {
      this.warn(err as Error);
      return this.fallback.hit(key, windowMs);
    }
  }

  private warn(err: Error): void {
    if (Date.now() - this.lastWarnAt > WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.logger.warn(`Redis rate-limit counters unavailable (${err.message}); counting in memory on this replica`);
    }
  }
}
