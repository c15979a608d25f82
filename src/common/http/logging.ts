import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { type AppConfig } from '../../config/app-config';
import { traceIds } from '../tracing/traced';

const REQUEST_ID = /^[\w.-]{1,64}$/;
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** What every log line written while serving a request carries under `req`: never headers, so keys and tokens cannot leak. */
export interface RequestContext {
  id: string;
  method: string;
  url: string;
}

/**
 * The request being served, for log lines written anywhere below it. It holds one small object per request;
 * the line itself is only built when something is logged (no child logger per request).
 */
const requests = new AsyncLocalStorage<RequestContext>();

/** The pino options of agis's logs: JSON, secrets redacted, trace ids with tracing on, pino-pretty in development at a terminal. */
export function loggerOptions(config: AppConfig, interactive = process.stdout.isTTY === true): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { mixin: traceIds } : {}),
    ...(interactive && config.NODE_ENV !== 'production' ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
    redact: {
      paths: ['*.authorization', '*.token', '*.key', '*.secret', '*.password', 'token', 'key', 'secret', 'DISCORD_TOKEN'],
      censor: '[redacted]',
    },
  };
}

/** The process's logger: stdout unless a destination is given (tests read the lines). */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(config, false), destination) : pino(loggerOptions(config));
}

/**
 * Assigns each request its id (a sane X-Request-Id from the client, else a new UUID, echoed in the response), serves it
 * inside that request's context, and writes one "request completed" line when the response ends. Registered first, so
 * every response, also a 404 or a refused body, carries the id.
 */
export function requestLogging(root: Logger): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const context: RequestContext = { id, method: req.method ?? 'GET', url: req.url ?? '/' };
    if (!QUIET_PATHS.has(context.url.split('?', 1)[0])) {
      const started = performance.now();
      // 'close' comes after 'finish', and alone when the client went away first.
      res.once('close', () => {
        if (root.isLevelEnabled('info')) {
          const line = { req: context, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) };
          root.info(line, res.writableFinished ? 'request completed' : 'request aborted');
        }
      });
    }
    requests.run(context, next);
  };
}

/**
 * Nest's logger on pino: `new Logger(Name).warn({ err, ... }, 'message')` and plain messages alike become one JSON line
 * with `context` (the class name) and, inside a request, `req` (its id, method and url).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) {
      return;
    }
    const request = requests.getStore();
    const fields: Record<string, unknown> = request ? { req: request } : {};
    // Nest passes the logger's context (the class name) last.
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      this.root[level](fields, ...(rest as []));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      // Nest's own exception handlers call error(message, stack).
      const err = new Error(String(message));
      err.stack = rest[0];
      this.root.error({ ...fields, err });
    } else {
      this.root[level](fields, String(message), ...(rest as []));
    }
  }
}
