import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-key, per-hour request and error counts (api-keys/), so a key's owner can read its own last 24 h / 7 d
 * (GET /api/v1/auth/keys/:id/usage). Counted in memory and upserted in batches by ApiKeyTouchService, one row
 * per key and hour; rows older than 8 days are purged by the same job.
 */
export class ApiKeyUsage1764500100000 implements MigrationInterface {
  name = 'ApiKeyUsage1764500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key_usage (
        key_id varchar(24) NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        requests bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
        errors bigint NOT NULL DEFAULT 0 CHECK (errors >= 0 AND errors <= requests),
        PRIMARY KEY (key_id, hour)
      )`);
    await q.query('CREATE INDEX api_key_usage_hour_idx ON api_key_usage (hour)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_key_usage');
  }
}
