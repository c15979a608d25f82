import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * agis_bot_active_users counts any authenticated activity: Discord commands and ad rewards stamp
 * last_active_at, REST calls stamp last_key_use_at (the API-key touch flush). The scrape-time count
 * ranges over the later of the two, so it stays one index range scan.
 */
export class ActiveUsersIndex1764500000000 implements MigrationInterface {
  name = 'ActiveUsersIndex1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX user_stats_last_seen_idx ON user_stats ((GREATEST(last_active_at, last_key_use_at)))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX user_stats_last_seen_idx');
  }
}
