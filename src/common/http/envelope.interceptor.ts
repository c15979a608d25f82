import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { Paginated } from './envelope';

const RAW_RESPONSE = 'agis:raw-response';
/** Opts a handler out of the envelope (metrics, probes). */
export const RawResponse = () => SetMetadata(RAW_RESPONSE, true);

/** Wraps every HTTP success as `{success: true, data}`; pages add `meta`. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE, [context.getHandler(), context.getClass()])) {
      return next.handle();
    }
    return next
      .handle()
      .pipe(
        map((data: unknown) =>
          data instanceof Paginated ? { success: true, data: data.items, meta: data.meta } : { success: true, data: data ?? null },
        ),
      );
  }
}
