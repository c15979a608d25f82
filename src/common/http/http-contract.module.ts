import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpErrorFilter } from './http-error.filter';
import { RouteMethods } from './route-methods';
import { createValidationPipe } from './validation.pipe';

/** Cross-cutting HTTP contract: error filter, validation, 405 for known paths (the success envelope is EnvelopeExpressAdapter's). */
@Module({
  providers: [RouteMethods, { provide: APP_PIPE, useFactory: createValidationPipe }, { provide: APP_FILTER, useClass: HttpErrorFilter }],
})
export class HttpContractModule {}
