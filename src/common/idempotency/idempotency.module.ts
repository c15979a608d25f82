import { Global, Module } from '@nestjs/common';
import { IdempotencyJanitor } from './idempotency-janitor.service';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

/** Idempotency-Key for REST writes: the interceptor controllers opt into, its table, and the hourly purge (a scheduler-role job). */
@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyInterceptor, IdempotencyJanitor],
  // Controllers name the interceptor in @UseInterceptors, so Nest builds it in their module: it needs the repository there.
  exports: [IdempotencyInterceptor, IdempotencyRepository, IdempotencyJanitor],
})
export class IdempotencyModule {}
