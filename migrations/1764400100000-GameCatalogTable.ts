import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The game catalog moves into the database so staff can change prices and offer or withdraw games at run time
 * (PUT /api/v1/admin/games/:key). The app seeds it at boot from the built-in list and GAME_CATALOG_FILE, adding only
 * the games the table lacks: a row, once there, belongs to staff. `definition` holds what Agones runs (image, ports,
 * resources, env, args, dataPath, storage, readiness), validated by the app exactly like GAME_CATALOG_FILE.
 */
export class GameCatalogTable1764400100000 implements MigrationInterface {
  name = 'GameCatalogTable1764400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE game_catalog (
        key varchar(32) PRIMARY KEY,
        name varchar(64) NOT NULL,
        hourly_cost int NOT NULL CHECK (hourly_cost > 0),
        definition jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        position int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE game_catalog');
  }
}
