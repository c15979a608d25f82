import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Histogram } from 'prom-client';
import { DB_OPERATIONS, DbOperation, sqlOperation } from './sql-operation';
import { QueryObserver } from './timed-pg-client';
import { countedByHistogram } from './counted-by-histogram';

const QUERY_DURATION = 'database_query_duration_seconds';
const OPERATIONS = 'agis_database_operations_total';
const OPS_CACHED = 2_000;

export const databaseMetricProviders = [
  makeHistogramProvider({
    name: QUERY_DURATION,
    help: 'SQL statement duration by operation (select, insert, update, delete, other)',
    labelNames: ['op'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: OPERATIONS,
    help: 'SQL statements run, by operation (select, insert, update, delete, other)',
    labelNames: ['op'],
    // Every series exists from boot, so rate() sees 0 rather than "no data".
    collect: countedByHistogram(
      QUERY_DURATION,
      DB_OPERATIONS.map((op) => ({ op })),
    ),
  }),
];

/** Records every statement the pool runs (see timedPgClient); `op` comes from the statement's keyword. */
@Injectable()
export class DatabaseQueryMetrics {
  // The operations counter is read from this histogram's counts at each scrape (countedByHistogram).
  constructor(@InjectMetric(QUERY_DURATION) private readonly duration: Histogram<string>) {}

  /** Statements are a fixed set of texts: each is parsed once (bounded, in case something builds SQL dynamically). */
  private readonly ops = new Map<string, DbOperation>();

  readonly observe: QueryObserver = (sql, seconds) => {
    let op = sql === undefined ? 'other' : this.ops.get(sql);
    if (op === undefined) {
      op = sqlOperation(sql);
      if (this.ops.size >= OPS_CACHED) {
        this.ops.clear();
      }
      this.ops.set(sql!, op);
    }
    this.duration.observe({ op }, seconds);
  };
}
