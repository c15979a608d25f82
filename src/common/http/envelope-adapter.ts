import { ExpressAdapter } from '@nestjs/platform-express';
import { Paginated } from './envelope';

/** A handler's answer sent as it is, outside the envelope (the Prometheus text format of /metrics). */
export class RawBody {
  constructor(readonly text: string) {}
}

/** The success envelope: `{success: true, data}`, pages add `meta`; a handler that returns nothing answers `data: null`. */
export function successBody(data: unknown): unknown {
  return data instanceof Paginated ? { success: true, data: data.items, meta: data.meta } : { success: true, data: data ?? null };
}

/**
 * Express, with every handler's result sent in the success envelope. Nest hands each result that a handler returns to
 * `reply` (errors go through HttpErrorFilter, which writes its own envelope), so the envelope costs one object here instead
 * of a global interceptor, which would switch every request onto Nest's rxjs pipeline. A handler that writes its own
 * response (`@Res()`: the event stream) never reaches `reply`; one that returns a RawBody is sent without the envelope.
 */
export class EnvelopeExpressAdapter extends ExpressAdapter {
  override reply(response: unknown, body: unknown, statusCode?: number): unknown {
    // Nest's fallback exception filter also replies here, with an error status: never reached (HttpErrorFilter catches
    // everything), and never dressed as a success if it were.
    if (body instanceof RawBody) {
      return super.reply(response, body.text, statusCode);
    }
    return super.reply(response, statusCode !== undefined && statusCode >= 400 ? body : successBody(body), statusCode);
  }
}
