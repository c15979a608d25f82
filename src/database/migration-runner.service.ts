import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, MigrationExecutor } from 'typeorm';

export const MIGRATION_LOCK = 7_243_001;

/** Applies pending migrations at boot; an advisory lock lets several replicas boot at once. */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    // Nothing pending (e.g. the Helm chart's migration Job ran first): no session-level lock, which a PgBouncer in
    // transaction mode would leave held on whichever server connection took it. (Read-only: creates no table.)
    if ((await new MigrationExecutor(this.db).getPendingMigrations()).length === 0) {
      return;
    }
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.db.runMigrations({ transaction: 'each' });
      if (applied.length) {
        this.logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}
