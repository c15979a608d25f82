import { type Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in lease columns (`claimed_by`), so a test or an operator can tell replicas apart. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The shortest rest between ticks when `nextDueInMs` says a row is due already. */
const MIN_REST_MS = 10;

export interface ClaimLoopOptions<T> {
  /** How long to rest between ticks (at most: see `nextDueInMs`). */
  intervalMs: number;
  /** At most how many rows are handled at once; a claim takes only as many as there are free slots, so each claimed row starts inside its lease. */
  limit: () => number;
  /** Claims up to `limit` due rows in the database (FOR UPDATE SKIP LOCKED + a lease). */
  claim: (limit: number) => Promise<T[]>;
  handle: (item: T) => Promise<void>;
  /**
   * Milliseconds until the next row falls due (null: none known). When given, the loop rests only that long
   * (capped by `intervalMs`, which still bounds how late a row added by another process is seen).
   */
  nextDueInMs?: () => Promise<number | null>;
  logger: Logger;
  what: string;
}

/**
 * The background loop shared by the schedule executor, the webhook dispatcher and the Discord outboxes:
 * a tick keeps up to `limit` rows in flight, claiming more as handlers finish, until a claim comes back
 * short; ticks never overlap; stop() lets the work in flight finish, and anything claimed but unfinished
 * after a crash is taken again when its lease expires.
 */
export class ClaimLoop<T> {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly opts: ClaimLoopOptions<T>) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Claims and handles due rows until none are left (or stop() begins); returns how many were handled. */
  async tick(): Promise<number> {
    const limit = Math.max(1, this.opts.limit());
    // Claiming for one freed slot at a time would cost a claim query per row (and a claim over a large backlog
    // sorts all of it): wait until half the slots are free.
    const refillAt = Math.max(1, Math.ceil(limit / 2));
    const inFlight = new Set<Promise<void>>();
    let handled = 0;
    try {
      for (;;) {
        const wanted = limit - inFlight.size;
        const claims = await this.opts.claim(wanted);
        for (const item of claims) {
          const done: Promise<void> = this.handleOne(item).finally(() => inFlight.delete(done));
          inFlight.add(done);
        }
        handled += claims.length;
        if (claims.length < wanted || (this.loop && !this.running)) {
          return handled;
        }
        while (limit - inFlight.size < refillAt) {
          await Promise.race(inFlight);
        }
      }
    } finally {
      // Also when a claim fails: stop() and the next tick must not overlap work still running.
      await Promise.all(inFlight);
    }
  }

  private async handleOne(item: T): Promise<void> {
    try {
      await this.opts.handle(item);
    } catch (err) {
      // Handlers record their own failures; this keeps one that throws from stopping the others' claims.
      this.opts.logger.error({ err }, `${this.opts.what} handler failed; the lease expires and the row is claimed again`);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.tick();
      } catch (err) {
        this.opts.logger.error({ err }, `${this.opts.what} tick failed; retrying next tick`);
      }
      await this.rest();
    }
  }

  private async rest(): Promise<void> {
    let ms = this.opts.intervalMs;
    if (this.opts.nextDueInMs && this.running) {
      try {
        const due = await this.opts.nextDueInMs();
        // The floor: a row due now that this tick could not claim is held by another replica's claim, not ours to spin on.
        ms = due === null ? ms : Math.min(ms, Math.max(MIN_REST_MS, due));
      } catch (err) {
        this.opts.logger.error({ err }, `${this.opts.what}: could not read the next due time; resting a full interval`);
      }
    }
    if (!this.running) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
