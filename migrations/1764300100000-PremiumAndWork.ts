import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Premium bought with WTG coins and the /work reward. `premium_until` is when a bought premium ends:
 * the tier is read as premium only while it lies ahead (computed at read time, so an expired premium
 * is free without a job flipping it; NULL with tier premium is premium without an end, set by an
 * operator). `last_work_at` is the work cooldown's slot, taken by a conditional UPDATE like
 * `last_daily_at`.
 */
export class PremiumAndWork1764300100000 implements MigrationInterface {
  name = 'PremiumAndWork1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN premium_until timestamptz, ADD COLUMN last_work_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN last_work_at, DROP COLUMN premium_until');
  }
}
