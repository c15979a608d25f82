import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Hardening1764115600000 implements MigrationInterface {
  name = 'Hardening1764115600000';

  async up(q: QueryRunner): Promise<void> {
    // Normalised IPs/CIDRs a key may be used from; empty = anywhere.
    await q.query(`ALTER TABLE api_keys ADD COLUMN allowed_ips text[] NOT NULL DEFAULT '{}'`);
    await q.query(`
      CREATE TABLE activity_log (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        action varchar(40) NOT NULL,
        via varchar(16) NOT NULL CHECK (via IN ('api-key', 'discord', 'system')),
        api_key_id varchar(24),
        system_name varchar(40),
        ip inet,
        target_type varchar(16),
        target_id varchar(64),
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX activity_log_user_idx ON activity_log (user_id, id DESC)`);
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        events text[] NOT NULL,
        format varchar(16) NOT NULL CHECK (format IN ('json', 'discord')),
        secret_ciphertext text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        consecutive_failures int NOT NULL DEFAULT 0,
        disabled_at timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_user_idx ON webhooks (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event varchar(40) NOT NULL,
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz,
        claimed_by varchar(64),
        last_status_code int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    // The dispatcher's claim query walks this index: pending rows by due time.
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt int NOT NULL,
        status_code int,
        duration_ms int NOT NULL,
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_delivery_attempts');
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE webhooks');
    await q.query('DROP TABLE activity_log');
    await q.query('ALTER TABLE api_keys DROP COLUMN allowed_ips');
  }
}
