import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../../config/app-config';
import { MemoryRateLimitCounter, RateLimitCounter, RedisRateLimitCounter } from './rate-limit-counter.service';
import { RateLimitGuard } from './rate-limit.guard';

/** Rate limits on the REST API. Import before ApiKeysModule: global guards run in registration order. */
@Module({
  providers: [
    {
      provide: RateLimitCounter,
      useFactory: (config: AppConfig) => (config.REDIS_URL ? new RedisRateLimitCounter(config) : new MemoryRateLimitCounter()),
      inject: [AppConfig],
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
