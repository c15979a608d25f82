import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The public lobby: an owner lists a running server with a short description (ServersService.setListing).
 * `lobby_guild_id` is the Discord guild it was listed from (null when listed over REST), so /lobby list in that
 * guild shows it first. The partial index serves GET /lobby, which reads only listed servers that are running.
 */
export class Lobby1764400000000 implements MigrationInterface {
  name = 'Lobby1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE servers ADD COLUMN public boolean NOT NULL DEFAULT false, ADD COLUMN description varchar(200),
         ADD COLUMN lobby_guild_id varchar(20)`,
    );
    await q.query(`CREATE INDEX servers_lobby_idx ON servers (game_type, updated_at DESC) WHERE public AND status = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX servers_lobby_idx');
    await q.query('ALTER TABLE servers DROP COLUMN lobby_guild_id, DROP COLUMN description, DROP COLUMN public');
  }
}
