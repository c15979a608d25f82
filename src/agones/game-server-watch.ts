import { type Logger } from '@nestjs/common';
import { type GameServerEvent, type GameServerInfo } from './agones.client';
import { type AgonesMetrics } from './agones.metrics';
import { type WatchLine } from './agones.types';
import { toGameServerInfo } from './game-server-manifest';
import { statusOf } from './kubernetes-errors';

/** The slice of @kubernetes/client-node's Watch this loop uses. */
export interface WatchTransport {
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onLine: (type: string, object: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

export interface GameServerWatchOptions {
  transport: WatchTransport;
  path: string;
  labelSelector: string;
  /** How long opening a stream may take before the attempt counts as failed. */
  connectTimeoutMs: number;
  list: () => Promise<{ items: GameServerInfo[]; resourceVersion: string }>;
  onEvent: (event: GameServerEvent) => void;
  metrics: AgonesMetrics;
  logger: Logger;
}

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 15_000;
// A stream that stayed open this long was healthy, so its end is routine (API server timeout), not a failure streak.
const HEALTHY_STREAM_MS = 5_000;

/**
 * List-then-watch loop with informer semantics: a cache of what was last seen, reconnects from the last
 * resourceVersion with backoff, and a re-list (diffed against the cache) when the API says 410 Gone.
 */
export class GameServerWatch {
  private readonly known = new Map<string, GameServerInfo>();
  private resourceVersion = '';
  /** Bumped for every stream; callbacks of an older stream compare against it and fall silent. */
  private generation = 0;
  private controller?: AbortController;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: GameServerWatchOptions) {}

  start(): void {
    void this.resync();
  }

  stop(): void {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.timer);
    // Aborting makes the client call done(AbortError); the bumped generation makes us ignore it.
    this.controller?.abort();
    this.controller = undefined;
  }

  private async resync(): Promise<void> {
    if (this.stopped) {
      return;
    }
    let listed: { items: GameServerInfo[]; resourceVersion: string };
    try {
      listed = await this.options.list();
    } catch (err) {
      this.options.logger.warn(`GameServer watch could not list (${(err as Error).message}); retrying`);
      this.retry(() => this.resync());
      return;
    }
    if (this.stopped) {
      return;
    }
    const present = new Set<string>();
    for (const info of listed.items) {
      present.add(info.name);
      const before = this.known.get(info.name);
      if (!before) {
        this.apply('ADDED', info);
      } else if (before.resourceVersion !== info.resourceVersion) {
        this.apply('MODIFIED', info);
      }
    }
    for (const [name, info] of this.known) {
      if (!present.has(name)) {
        this.apply('DELETED', info);
      }
    }
    this.resourceVersion = listed.resourceVersion;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const generation = ++this.generation;
    const openedAt = Date.now();
    let finished = false;
    let gotEvent = false;
    let mustRelist = false;
    const deadline = setTimeout(() => {
      if (generation === this.generation) {
        this.generation += 1;
        this.failed(new Error(`no answer within ${this.options.connectTimeoutMs} ms`));
      }
    }, this.options.connectTimeoutMs);

    const onLine = (type: string, object: unknown): void => {
      if (generation !== this.generation) {
        return;
      }
      if (type === 'ERROR') {
        // In-stream Status, typically 410 "too old resource version": only a fresh list can continue.
        mustRelist = true;
        this.controller?.abort();
        return;
      }
      gotEvent = true;
      this.onLine({ type, object } as WatchLine);
    };
    const done = (err: unknown): void => {
      finished = true;
      clearTimeout(deadline);
      if (generation !== this.generation) {
        return;
      }
      this.controller = undefined;
      if (gotEvent || Date.now() - openedAt >= HEALTHY_STREAM_MS) {
        this.failures = 0;
      }
      if (mustRelist || statusOf(err) === 410) {
        this.options.logger.log('GameServer watch resourceVersion expired; re-listing');
        this.retry(() => this.resync());
        return;
      }
      if (err) {
        this.failed(err);
      } else {
        this.retry(() => this.connect());
      }
    };

    let controller: AbortController;
    try {
      controller = await this.options.transport.watch(
        this.options.path,
        {
          labelSelector: this.options.labelSelector,
          resourceVersion: this.resourceVersion || undefined,
          allowWatchBookmarks: true,
        },
        onLine,
        done,
      );
    } catch (err) {
      // Thrown before any request was made (e.g. unreadable credentials), so done() was never called.
      clearTimeout(deadline);
      if (generation === this.generation) {
        this.generation += 1;
        this.failed(err);
      }
      return;
    }
    clearTimeout(deadline);
    if (generation !== this.generation || mustRelist) {
      controller.abort();
      return;
    }
    if (!finished) {
      this.controller = controller;
      this.options.metrics.record('watch', 'success');
    }
  }

  private failed(err: unknown): void {
    this.options.metrics.record('watch', 'error');
    const status = statusOf(err);
    const reason = status !== undefined ? `HTTP ${status}` : (err as Error).message || String(err);
    this.options.logger.warn(`GameServer watch stream failed (${reason}); reconnecting from resourceVersion ${this.resourceVersion}`);
    this.retry(() => this.connect());
  }

  private retry(next: () => Promise<void>): void {
    if (this.stopped) {
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failures) * (0.8 + Math.random() * 0.4);
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void next(), delay);
  }

  private onLine(line: WatchLine): void {
    const version = line.object?.metadata?.resourceVersion;
    if (line.type === 'BOOKMARK') {
      this.resourceVersion = version ?? this.resourceVersion;
      return;
    }
    if (line.type !== 'ADDED' && line.type !== 'MODIFIED' && line.type !== 'DELETED') {
      return;
    }
    let info: GameServerInfo;
    try {
      info = toGameServerInfo(line.object);
    } catch {
      this.options.logger.warn(`Ignoring a malformed ${line.type} watch event`);
      return;
    }
    this.resourceVersion = version ?? this.resourceVersion;
    if (line.type !== 'DELETED' && info.resourceVersion && this.known.get(info.name)?.resourceVersion === info.resourceVersion) {
      return;
    }
    this.apply(line.type, info);
  }

  private apply(type: GameServerEvent['type'], info: GameServerInfo): void {
    if (type === 'DELETED') {
      this.known.delete(info.name);
    } else {
      this.known.set(info.name, info);
    }
    try {
      this.options.onEvent({ type, gameServer: { ...info } });
    } catch (err) {
      this.options.logger.error(`A GameServer watch listener failed on ${type} ${info.name}: ${(err as Error).message}`);
    }
  }
}
