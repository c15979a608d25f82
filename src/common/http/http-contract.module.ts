import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EnvelopeInterceptor } from './envelope.interceptor';
import { HttpErrorFilter } from './http-error.filter';
import { RouteMethods } from './route-methods';
import { createValidationPipe } from './validation.pipe';

/** Cross-cutting HTTP contract: envelope, error filter, validation, 405 for known paths. */
@Module({
  providers: [
    RouteMethods,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
  ],
})
export class HttpContractModule {}
