import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EnvelopeInterceptor } from './envelope.interceptor';
import { HttpErrorFilter } from './http-error.filter';
import { IdempotencyJanitor } from './idempotency-janitor.service';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';
import { RouteMethods } from './route-methods';
import { createValidationPipe } from './validation.pipe';

/** Cross-cutting HTTP contract: envelope, error filter, validation, idempotency. */
@Global()
@Module({
  providers: [
    IdempotencyRepository,
    IdempotencyInterceptor,
    IdempotencyJanitor,
    RouteMethods,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
  ],
  exports: [IdempotencyRepository, IdempotencyInterceptor],
})
export class CommonModule {}
