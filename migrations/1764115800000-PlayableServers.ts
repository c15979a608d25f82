import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What a playable server shows and how long a start may take: every host port of the running GameServer, the
 * players its readiness sidecar last read, and the instant by which the current start must be Ready. And how its
 * owner hears about it: a per-user event log (read by the SSE stream and the bot's direct messages), written in
 * the transaction of each change, and a per-user switch for direct messages.
 */
export class PlayableServers1764115800000 implements MigrationInterface {
  name = 'PlayableServers1764115800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE servers
        ADD COLUMN ports jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN players_online int CHECK (players_online >= 0),
        ADD COLUMN players_max int CHECK (players_max >= 0),
        ADD COLUMN start_deadline timestamptz`);
    // The reconciler looks for starts past their deadline on every run.
    await q.query(`CREATE INDEX servers_start_deadline_idx ON servers (start_deadline) WHERE start_deadline IS NOT NULL`);
    await q.query(`
      CREATE TABLE user_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        event text NOT NULL,
        payload jsonb NOT NULL,
        -- Readers page by (tx_id, id) among finished transactions: see EventsRepository.
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        dm_status text NOT NULL DEFAULT 'none' CHECK (dm_status IN ('none', 'pending', 'sending', 'sent', 'skipped', 'failed')),
        dm_lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX user_events_user_idx ON user_events (user_id, tx_id, id)');
    await q.query(`CREATE INDEX user_events_dm_idx ON user_events (id) WHERE dm_status IN ('pending', 'sending')`);
    await q.query('CREATE INDEX user_events_created_idx ON user_events (created_at)');
    await q.query('ALTER TABLE users ADD COLUMN notify_dm boolean NOT NULL DEFAULT true');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN notify_dm');
    await q.query('DROP TABLE user_events');
    await q.query('DROP INDEX servers_start_deadline_idx');
    await q.query('ALTER TABLE servers DROP COLUMN ports, DROP COLUMN players_online, DROP COLUMN players_max, DROP COLUMN start_deadline');
  }
}
