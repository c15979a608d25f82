import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../../config/app-config';
import { MemoryRateLimitCounter, RateLimitCounter } from './rate-limit-counter.service';
import { RateLimitGuard } from './rate-limit.guard';

/** Rate limits on the REST API. Import before ApiKeysModule: global guards run in registration order. */
@Module({
  providers: [
    {
      provide: RateLimitCounter,
      // The Redis client is loaded only when REDIS_URL is set.
      useFactory: async (config: AppConfig): Promise<RateLimitCounter> => {
        if (!config.REDIS_URL) {
          return new MemoryRateLimitCounter();
        }
        const { RedisRateLimitCounter } = await import('./redis-rate-limit-counter');
        return new RedisRateLimitCounter(config);
      },
      inject: [AppConfig],
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
