import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * GET /users/me/stats `lastActiveAt` is the latest of a bot command or ad reward, an API key use and
 * a ledger row. The last two were read from api_keys and credit_transactions; each now stamps its own
 * user_stats column in the transaction that writes it, so the users module reads only its own table.
 * `last_active_at` keeps its meaning (bot activity, counted by the active-users gauge).
 */
export class StatsActivityColumns1764200000000 implements MigrationInterface {
  name = 'StatsActivityColumns1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE user_stats ADD COLUMN last_key_use_at timestamptz, ADD COLUMN last_ledger_at timestamptz');
    await q.query(`
      INSERT INTO user_stats (user_id, last_key_use_at)
      SELECT user_id, max(last_used_at) FROM api_keys WHERE last_used_at IS NOT NULL GROUP BY user_id
      ON CONFLICT (user_id) DO UPDATE SET last_key_use_at = EXCLUDED.last_key_use_at`);
    // The newest row of each user by id: the ledger serialises a user's movements, so it is the last one written.
    await q.query(`
      INSERT INTO user_stats (user_id, last_ledger_at)
      SELECT DISTINCT ON (user_id) user_id, created_at FROM credit_transactions ORDER BY user_id, id DESC
      ON CONFLICT (user_id) DO UPDATE SET last_ledger_at = EXCLUDED.last_ledger_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE user_stats DROP COLUMN last_ledger_at, DROP COLUMN last_key_use_at');
  }
}
