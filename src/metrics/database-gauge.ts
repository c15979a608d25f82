import { type Logger } from '@nestjs/common';
import { Gauge, register } from 'prom-client';

/** One labelled value of a gauge. */
export interface GaugeSample<L extends string> {
  labels: Partial<Record<L, string | number>>;
  value: number;
}

export interface DatabaseGaugeOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /**
   * Reads the current values: a number for a gauge without labels, else every sample to report (the
   * gauge is reset to exactly these, so include zeros for series that must not vanish).
   */
  read: () => Promise<number | ReadonlyArray<GaugeSample<L>>>;
  logger: Logger;
  /** Scrapes within this many ms of a good read reuse it (HA Prometheus pairs, short intervals); default 0. */
  reuseMs?: number;
}

/**
 * A gauge counted in the database at scrape time, so every replica reports the same truth whatever
 * its role. Concurrent scrapes share one read. When the read fails (database outage), the scrape
 * still succeeds: a warning is logged and the gauge reports the last good values, so a dashboard
 * shows a flat line rather than a false zero or a failed target.
 */
export class DatabaseGauge<L extends string = string> {
  private lastReadAt = 0;
  private pending?: Promise<void>;

  constructor(private readonly opts: DatabaseGaugeOptions<L>) {
    // The registry is process-wide; an app built again in the same process (tests) takes the gauge over.
    register.removeSingleMetric(opts.name);
    const refresh = (gauge: Gauge<L>) => this.refresh(gauge);
    new Gauge<L>({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames ?? [],
      async collect() {
        await refresh(this);
      },
    });
  }

  /** Removes the gauge from the registry (module destroy). */
  unregister(): void {
    register.removeSingleMetric(this.opts.name);
  }

  private refresh(gauge: Gauge<L>): Promise<void> {
    if (Date.now() - this.lastReadAt < (this.opts.reuseMs ?? 0)) {
      return Promise.resolve();
    }
    this.pending ??= this.opts
      .read()
      .then((values) => {
        gauge.reset();
        if (typeof values === 'number') {
          gauge.set(values);
        } else {
          for (const s of values) {
            gauge.set(s.labels, s.value);
          }
        }
        this.lastReadAt = Date.now();
      })
      .catch((err: unknown) => this.opts.logger.warn({ err }, `Could not read ${this.opts.name} from the database; reporting the last values`))
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
