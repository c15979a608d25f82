import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';

/**
 * Counts and times every HTTP request by method, route template and status. The template
 * (`/api/v1/servers/:id`), never the raw path, keeps label values bounded.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric('http_requests_total') private readonly requests: Counter<string>,
    @InjectMetric('http_request_duration_seconds') private readonly duration: Histogram<string>,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req as { route?: { path?: string } }).route?.path;
      // The request logger's catch-all middleware route is not a handler: such a request matched nothing.
      const matched = typeof route === 'string' && !route.includes('{*');
      const labels = { method: req.method, route: matched ? route : 'unmatched', status: String(res.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
