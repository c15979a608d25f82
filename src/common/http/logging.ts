import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { type AppConfig } from '../../config/app-config';
import { traceIds } from '../tracing/traced';

const REQUEST_ID = /^[\w.-]{1,64}$/;
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Structured JSON logs: a request id on every line (echoed as X-Request-Id), secrets redacted; with tracing on, the
 * active span's trace_id/span_id too. In development at a terminal the same lines are printed by pino-pretty.
 */
export function loggerParams(config: AppConfig, interactive = process.stdout.isTTY === true): Params {
  return {
    // Named wildcard: path-to-regexp 8 (Express 5) rejects the bare '*' nestjs-pino defaults to.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.LOG_LEVEL,
      ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { mixin: traceIds } : {}),
      ...(interactive && config.NODE_ENV !== 'production' ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only these request fields are logged: never headers, so keys and tokens cannot leak.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['*.authorization', '*.token', '*.key', '*.secret', '*.password', 'token', 'key', 'secret', 'DISCORD_TOKEN'],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
    },
  };
}
