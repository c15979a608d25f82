import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Foundation1764115200000 implements MigrationInterface {
  name = 'Foundation1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        discord_id varchar(20) NOT NULL UNIQUE,
        username varchar(100) NOT NULL,
        credits bigint NOT NULL DEFAULT 0 CONSTRAINT users_credits_non_negative CHECK (credits >= 0),
        wtg_coins bigint NOT NULL DEFAULT 0 CONSTRAINT users_wtg_non_negative CHECK (wtg_coins >= 0),
        tier varchar(16) NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'premium')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id varchar(24) PRIMARY KEY,
        prefix varchar(40) NOT NULL,
        secret_hash char(64) NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key varchar(200) NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response_status int,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
    await q.query(`
      CREATE TABLE user_stats (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        servers_created int NOT NULL DEFAULT 0,
        credits_earned bigint NOT NULL DEFAULT 0,
        credits_spent bigint NOT NULL DEFAULT 0,
        ad_conversions int NOT NULL DEFAULT 0,
        commands_used int NOT NULL DEFAULT 0,
        last_active_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE user_stats');
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE users');
  }
}
