import { type Logger } from '@nestjs/common';

export interface PeriodicJobOptions {
  /** Shown in logs: "<what> failed; retrying in …". */
  what: string;
  everyMs: number;
  run: () => Promise<unknown>;
  logger: Logger;
  /** Also run once as soon as start() is called (default: first run after `everyMs`). */
  runAtStart?: boolean;
}

/**
 * Background work that repeats on a fixed interval (purges, reconciliation, gauge refreshes, batched
 * writes). Single flight: a run still going when the next one is due makes that one skip, so slow runs
 * never pile up. The timer is unref'd (it never keeps a process alive), a failed run is logged and the
 * next one comes on time, and stop() waits for the run in flight. The sibling of ClaimLoop, which is
 * for work claimed from a table under a lease.
 */
export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(private readonly opts: PeriodicJobOptions) {}

  start(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => void this.runOnce(), this.opts.everyMs);
    this.timer.unref();
    if (this.opts.runAtStart) {
      void this.runOnce();
    }
  }

  /** Stops the timer and waits for the run in flight, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One run now, unless one is already going (then it waits for that one); never throws. */
  runOnce(): Promise<void> {
    this.inFlight ??= this.opts
      .run()
      .then(
        () => undefined,
        (err: unknown) => this.opts.logger.error({ err }, `${this.opts.what} failed; retrying in ${this.opts.everyMs} ms`),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
