import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Staff can suspend a user (AdminService): their API keys and Discord commands are refused while
 * suspended_at is set; the reason is what they are told. Both columns are set or cleared together.
 */
export class Suspensions1764400200000 implements MigrationInterface {
  name = 'Suspensions1764400200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN suspended_at timestamptz, ADD COLUMN suspended_reason varchar(500)`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_suspension_whole CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP CONSTRAINT users_suspension_whole');
    await q.query('ALTER TABLE users DROP COLUMN suspended_reason, DROP COLUMN suspended_at');
  }
}
