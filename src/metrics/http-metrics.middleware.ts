import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';

/** A finished HTTP request as the metrics middleware saw it: the route template and, when a key authenticated it, the key's id. */
export interface FinishedRequest {
  req: Request;
  route: string;
  status: number;
  /** The API key the guard authenticated (its public id, never the secret), or undefined. */
  keyId: string | undefined;
}

/**
 * Counts and times every HTTP request by method, route template and status (the count is read from the duration
 * histogram at each scrape). The template
 * (`/api/v1/servers/:id`), never the raw path, keeps label values bounded. Requests an API key
 * authenticated are also counted per key id (agis_api_requests_total): the guard leaves the actor on
 * req, so reading it costs one property lookup. Features that want each finished request (api-keys/
 * counts per-key usage for its owners) register a listener; this layer imports no feature.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly listeners: Array<(request: FinishedRequest) => void> = [];

  constructor(
    @InjectMetric('http_request_duration_seconds') private readonly duration: Histogram<string>,
    @InjectMetric('agis_api_requests_total') private readonly keyRequests: Counter<string>,
  ) {}

  /** Calls `listener` once per finished request, on the response's 'finish' (it must be cheap and must not throw). */
  onFinished(listener: (request: FinishedRequest) => void): void {
    this.listeners.push(listener);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      // Only a matched handler leaves its route template on req; anything else (404s, probes refused by role) is one series.
      const path = (req as { route?: { path?: string } }).route?.path;
      const route = typeof path === 'string' ? path : 'unmatched';
      const status = String(res.statusCode);
      const labels = { method: req.method, route, status };
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      // The API-key guard sets req.actor (auth/Actor); only an authenticated key's id is a label, so the
      // series are bounded by the keys in use, never by what a client sends.
      const via = (req as { actor?: { via?: { kind?: string; keyId?: string } } }).actor?.via;
      const keyId = via?.kind === 'api-key' ? via.keyId : undefined;
      if (keyId !== undefined) {
        this.keyRequests.inc({ key_id: keyId, route, status });
      }
      for (const listener of this.listeners) {
        listener({ req, route, status: res.statusCode, keyId });
      }
    });
    next();
  }
}
