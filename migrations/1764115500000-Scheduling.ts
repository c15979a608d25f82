import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Scheduling1764115500000 implements MigrationInterface {
  name = 'Scheduling1764115500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE server_schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        server_id uuid NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        action varchar(16) NOT NULL CHECK (action IN ('start', 'stop', 'restart')),
        cron varchar(100) NOT NULL,
        timezone varchar(64) NOT NULL DEFAULT 'UTC',
        enabled boolean NOT NULL DEFAULT true,
        next_run_at timestamptz,
        last_run_at timestamptz,
        last_status varchar(16) CHECK (last_status IN ('success', 'failed', 'skipped')),
        last_error text,
        claimed_until timestamptz,
        claimed_by varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The executor's claim query walks this index: enabled rows by due time.
    await q.query(`CREATE INDEX server_schedules_due_idx ON server_schedules (next_run_at) WHERE enabled`);
    await q.query(`CREATE INDEX server_schedules_server_idx ON server_schedules (server_id, created_at)`);
    await q.query(`
      CREATE TABLE schedule_executions (
        id bigserial PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES server_schedules(id) ON DELETE CASCADE,
        trigger varchar(8) NOT NULL CHECK (trigger IN ('cron', 'manual')),
        scheduled_for timestamptz NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status varchar(16) NOT NULL CHECK (status IN ('running', 'success', 'failed', 'skipped')),
        late boolean NOT NULL DEFAULT false,
        error text
      )`);
    // One recorded execution per cron slot, whatever the number of replicas or retries.
    await q.query(`CREATE UNIQUE INDEX schedule_executions_slot_uq ON schedule_executions (schedule_id, scheduled_for) WHERE trigger = 'cron'`);
    await q.query(`CREATE INDEX schedule_executions_schedule_idx ON schedule_executions (schedule_id, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE schedule_executions');
    await q.query('DROP TABLE server_schedules');
  }
}
