import { type Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in lease columns (`claimed_by`), so a test or an operator can tell replicas apart. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface ClaimLoopOptions<T> {
  /** How long to rest between ticks. */
  intervalMs: number;
  /** At most how many rows one claim takes (each is handled at once, so the whole claim starts inside its lease). */
  limit: () => number;
  /** Claims up to `limit` due rows in the database (FOR UPDATE SKIP LOCKED + a lease). */
  claim: (limit: number) => Promise<T[]>;
  handle: (item: T) => Promise<void>;
  logger: Logger;
  what: string;
}

/**
 * The background loop shared by the schedule executor and the webhook dispatcher: each tick claims
 * and handles due rows until a claim comes back short; ticks never overlap; stop() lets the work in
 * flight finish, and anything claimed but unfinished after a crash is taken again when its lease expires.
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
    const limit = this.opts.limit();
    let handled = 0;
    for (;;) {
      const claims = await this.opts.claim(limit);
      await Promise.all(claims.map((c) => this.opts.handle(c)));
      handled += claims.length;
      if (claims.length < limit || (this.loop && !this.running)) {
        return handled;
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.tick();
      } catch (err) {
        this.opts.logger.error({ err }, `${this.opts.what} tick failed; retrying next tick`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
