import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Keeps the scrape-time count behind agis_bot_active_users (users active in the last 24 h) a short index range scan. */
export class MetricsIndexes1764115700000 implements MigrationInterface {
  name = 'MetricsIndexes1764115700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX user_stats_last_active_idx ON user_stats (last_active_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX user_stats_last_active_idx');
  }
}
