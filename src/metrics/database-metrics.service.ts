import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DB_OPERATIONS, sqlOperation } from './sql-operation';
import { QueryObserver } from './timed-pg-client';

const QUERY_DURATION = 'database_query_duration_seconds';
const OPERATIONS = 'agis_database_operations_total';
const CONNECTIONS_ACTIVE = 'database_connections_active';

export const databaseMetricProviders = [
  makeHistogramProvider({
    name: QUERY_DURATION, help: 'SQL statement duration by operation (select, insert, update, delete, other)', labelNames: ['op'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({ name: OPERATIONS, help: 'SQL statements run, by operation (select, insert, update, delete, other)', labelNames: ['op'] }),
];

/** Records every statement the pool runs (see timedPgClient); `op` comes from the statement's keyword. */
@Injectable()
export class DatabaseQueryMetrics {
  constructor(
    @InjectMetric(QUERY_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(OPERATIONS) private readonly operations: Counter<string>,
  ) {
    // Every series exists from boot, so rate() sees 0 rather than "no data".
    for (const op of DB_OPERATIONS) {
      this.operations.inc({ op }, 0);
    }
  }

  readonly observe: QueryObserver = (sql, seconds) => {
    const op = sqlOperation(sql);
    this.operations.inc({ op });
    this.duration.observe({ op }, seconds);
  };
}

/** `database_connections_active`: pool connections checked out right now, read from the pool at scrape time. */
@Injectable()
export class DatabasePoolMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly db: DataSource) {}

  onModuleInit(): void {
    // The registry is process-wide; an app built again in the same process (tests) takes the gauge over.
    register.removeSingleMetric(CONNECTIONS_ACTIVE);
    const db = this.db;
    new Gauge({
      name: CONNECTIONS_ACTIVE,
      help: 'Database connections of this process\'s pool in use (total minus idle)',
      collect() {
        const pool = (db.driver as PostgresDriver).master as { totalCount?: number; idleCount?: number } | undefined;
        this.set(Math.max(0, (pool?.totalCount ?? 0) - (pool?.idleCount ?? 0)));
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(CONNECTIONS_ACTIVE);
  }
}
