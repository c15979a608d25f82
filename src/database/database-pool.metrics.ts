import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const CONNECTIONS_ACTIVE = 'database_connections_active';

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
      help: "Database connections of this process's pool in use (total minus idle)",
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
