import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ServersAndLedger1764115300000 implements MigrationInterface {
  name = 'ServersAndLedger1764115300000';

  async up(q: QueryRunner): Promise<void> {
    // One row per balance change; users.credits always equals the sum of a user's amounts.
    await q.query(`
      CREATE TABLE credit_transactions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        reason varchar(40) NOT NULL,
        reference varchar(200),
        idempotency_key varchar(200) UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX credit_transactions_user_idx ON credit_transactions (user_id, id DESC)');
    await q.query(`
      CREATE TABLE servers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(32) NOT NULL,
        game_type varchar(32) NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('creating', 'starting', 'running', 'stopping', 'stopped', 'error', 'deleting')),
        address varchar(255),
        port int CHECK (port BETWEEN 1 AND 65535),
        gameserver_name varchar(253),
        cost_per_hour int NOT NULL CHECK (cost_per_hour > 0),
        billed_until timestamptz,
        start_seq int NOT NULL DEFAULT 0,
        start_charged boolean NOT NULL DEFAULT false,
        last_error text,
        stop_reason varchar(40),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Names are unique per owner regardless of case ("Survival" and "survival" would confuse Discord users).
    await q.query('CREATE UNIQUE INDEX servers_owner_name_uq ON servers (owner_id, lower(name))');
    await q.query('CREATE INDEX servers_owner_idx ON servers (owner_id, created_at DESC, id)');
    // The billing tick scans only servers that hold a GameServer.
    await q.query(`CREATE INDEX servers_billing_idx ON servers (billed_until) WHERE status IN ('creating', 'starting', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE servers');
    await q.query('DROP TABLE credit_transactions');
  }
}
