import type { Response } from 'express';
import { Logger } from '@nestjs/common';
import type { EventPage } from './events.service';
import { type EventCursor } from './events.types';

export interface EventStreamOptions {
  pollMs: number;
  heartbeatMs: number;
  /** The stream ends after this long; EventSource reconnects by itself with Last-Event-ID. */
  maxMs: number;
}

/**
 * Writes a Server-Sent Events stream (WHATWG HTML "Server-sent events": `id`, `event`, `data` fields, a blank
 * line per event, `:` comments as heartbeats, `retry` for the reconnect delay) from pages of events, until the
 * client goes away or `maxMs` passes. A failed read is logged and retried on the next poll; the stream stays.
 */
export class EventStream {
  private readonly logger = new Logger(EventStream.name);

  constructor(
    private readonly res: Response,
    private readonly opts: EventStreamOptions,
  ) {}

  async run(start: EventCursor, pull: (cursor: EventCursor) => Promise<EventPage>): Promise<void> {
    const { res } = this;
    let closed = false;
    let wake: (() => void) | undefined;
    res.on('close', () => {
      closed = true;
      wake?.();
    });
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx (ingress-nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${Math.max(1000, this.opts.pollMs)}\n\n`);
    const endAt = Date.now() + this.opts.maxMs;
    let cursor = start;
    let quietSince = Date.now();
    while (!closed && Date.now() < endAt) {
      let page: EventPage | undefined;
      try {
        page = await pull(cursor);
      } catch (err) {
        this.logger.warn({ err }, 'Reading events for a stream failed; trying again');
      }
      for (const e of page?.events ?? []) {
        res.write(`id: ${e.cursor}\nevent: ${e.event}\ndata: ${JSON.stringify({ event: e.event, at: e.at, data: e.data })}\n\n`);
        quietSince = Date.now();
      }
      cursor = page?.next ?? cursor;
      if (page?.full) {
        continue;
      }
      if (Date.now() - quietSince >= this.opts.heartbeatMs) {
        res.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(this.opts.pollMs, Math.max(0, endAt - Date.now())));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (!closed) {
      res.end();
    }
  }
}
