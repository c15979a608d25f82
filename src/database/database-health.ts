import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What readiness asks of the database. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly db: DataSource) {}

  /** Resolves when the database answers a trivial statement; rejects when it cannot be reached. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** True while a migration of this build is not applied yet. */
  pendingMigrations(): Promise<boolean> {
    return this.db.showMigrations();
  }
}
