import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { DomainError, ErrorCode } from './common/errors/domain-error';
import { errorBody } from './common/http/envelope';
import { EnvelopeExpressAdapter } from './common/http/envelope-adapter';
import { fixedHeaders } from './common/http/fixed-headers';
import { AppLogger, createRootLogger, requestLogging } from './common/http/logging';
import { setupSwagger } from './swagger';
import { type AppConfig } from './config/app-config';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { REWARD_CALLBACKS_PATH } from './rewards/reward-callback-body';
import { readRawBodies } from './common/http/raw-bodies';
import { STRIPE_WEBHOOK_PATH } from './payments/payments.controller';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '100kb';

/** Builds the Nest application (not yet listening); shared by main.ts, the CLI, tests and benchmarks. `logs`: where log lines go (stdout). */
export async function createApp(config: AppConfig, opts: { logs?: DestinationStream } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), new EnvelopeExpressAdapter(), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
    // Keeps req.rawBody (within BODY_LIMIT) for signature checks over the exact bytes (reward callbacks, Stripe).
    rawBody: true,
  });
  const logs = createRootLogger(config, opts.logs);
  app.useLogger(new AppLogger(logs));
  // Lines logged while the modules were built were held for this logger; without a flush Nest holds every later line
  // too until listen() (never, for the CLI and tests).
  app.flushLogs();
  app.use(requestLogging(logs));
  // Helmet's headers never vary with the request here: computed once, set on every response.
  app.use(
    fixedHeaders(
      helmet({
        // Swagger UI (/api/docs) is served from this origin: its scripts are files, its styles partly inline,
        // its icons data: URIs. Nothing is loaded from elsewhere, and no page may frame ours.
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:'],
            fontSrc: ["'self'", 'data:'],
            connectSrc: ["'self'"],
            objectSrc: ["'none'"],
            baseUri: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
          },
        },
      }),
    ),
  );
  // CORS is off unless CORS_ORIGINS lists the browser origins allowed to call the API.
  if (config.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: config.CORS_ORIGINS,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    });
  }
  const httpMetrics = app.get(HttpMetricsMiddleware);
  app.use(httpMetrics.use.bind(httpMetrics));
  if (!config.hasRole('api')) {
    serveOnlyProbes(app);
  }
  readRawBodies(app, [`/${API_PREFIX}/${REWARD_CALLBACKS_PATH}/`, `/${API_PREFIX}/${STRIPE_WEBHOOK_PATH}`], BODY_LIMIT);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.setGlobalPrefix(API_PREFIX, { exclude: ['healthz', 'readyz', 'metrics'] });
  if (config.hasRole('api')) {
    setupSwagger(app);
  }
  return app;
}

/** Paths every process serves; the REST API and its docs belong to the `api` role. */
export const PROBE_PATHS = ['/healthz', '/readyz', '/metrics'];

/**
 * A process without the `api` role (bot, scheduler) answers probes and metrics only: every other request
 * gets the envelope's 404, before any route, guard or body parser sees it.
 */
function serveOnlyProbes(app: NestExpressApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Express matches routes case-insensitively and with or without a trailing slash; so does this.
    if (PROBE_PATHS.includes(req.path.toLowerCase().replace(/(.)\/$/, '$1'))) {
      next();
      return;
    }
    res
      .status(404)
      .json(errorBody(new DomainError(ErrorCode.ROUTE_NOT_FOUND, `No route for ${req.method} ${req.path}: this process runs without the api role`)));
  });
}
