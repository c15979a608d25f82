import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/database-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { UsersService } from '../../src/users/users.service';
import { createUser } from '../support/factories';
import { createTestApp, createTestDatabase, dropTestDatabase, type TestApp } from '../support/test-app';

const OLD_LAST_ACTIVE = `SELECT GREATEST(s.last_active_at,
  (SELECT max(k.last_used_at) FROM api_keys k WHERE k.user_id = u.id),
  (SELECT t.created_at FROM credit_transactions t WHERE t.user_id = u.id ORDER BY t.id DESC LIMIT 1)) AS v
  FROM users u LEFT JOIN user_stats s ON s.user_id = u.id WHERE u.id = $1`;
const NEW_LAST_ACTIVE = `SELECT GREATEST(s.last_active_at, s.last_key_use_at, s.last_ledger_at) AS v
  FROM users u LEFT JOIN user_stats s ON s.user_id = u.id WHERE u.id = $1`;

/** The migration that moved "last activity" off other modules' tables into user_stats columns. */
const STATS_ACTIVITY = MIGRATIONS.findIndex((m) => m.name === 'StatsActivityColumns1764200000000');

describe('last activity kept in user_stats (users/ reads only its own tables)', () => {
  it('the migration backfills last_key_use_at and last_ledger_at so lastActiveAt reads as it did from api_keys and credit_transactions', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource({ ...dataSourceOptions(url, 2), migrations: MIGRATIONS.slice(0, STATS_ACTIVITY) });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const [a] = await ds.query(`INSERT INTO users (discord_id, username) VALUES ('11111', 'a') RETURNING id`);
      const [b] = await ds.query(`INSERT INTO users (discord_id, username) VALUES ('22222', 'b') RETURNING id`);
      const [c] = await ds.query(`INSERT INTO users (discord_id, username) VALUES ('33333', 'c') RETURNING id`);
      await ds.query(`INSERT INTO user_stats (user_id, last_active_at) VALUES ($1, now() - interval '3 days')`, [a.id]);
      await ds.query(
        `INSERT INTO api_keys (id, prefix, secret_hash, user_id, name, scopes, last_used_at) VALUES
        ('k1', 'p', repeat('a', 64), $1, 'n', '{}', now() - interval '2 days'), ('k2', 'p', repeat('a', 64), $1, 'n', '{}', now() - interval '1 day'),
        ('k3', 'p', repeat('a', 64), $2, 'n', '{}', now() - interval '5 hours')`,
        [a.id, b.id],
      );
      await ds.query(
        `INSERT INTO credit_transactions (user_id, amount, balance_after, reason, created_at) VALUES
        ($1, 5, 5, 'x_y', now() - interval '1 hour'), ($1, 5, 10, 'x_y', now() - interval '2 hours'), ($2, 1, 1, 'x_y', now() - interval '9 days')`,
        [a.id, c.id],
      );
      const before = await Promise.all([a, b, c].map(async (u) => (await ds.query(OLD_LAST_ACTIVE, [u.id]))[0].v));
      const all = new DataSource({ ...dataSourceOptions(url, 2), migrations: MIGRATIONS.slice(0, STATS_ACTIVITY + 1) });
      await all.initialize();
      expect(await all.runMigrations({ transaction: 'each' })).toHaveLength(1);
      const after = await Promise.all([a, b, c].map(async (u) => (await all.query(NEW_LAST_ACTIVE, [u.id]))[0].v));
      expect(after).toEqual(before);
      expect(before.every((v) => v instanceof Date)).toBe(true);
      await all.undoLastMigration({ transaction: 'each' });
      await all.destroy();
    } finally {
      await ds.destroy();
      await dropTestDatabase(url);
    }
  });

  describe('with the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('a key use recorded out of order never moves lastActiveAt back; unknown users are skipped; contactsOf and lockIn answer only for real users', async () => {
      const u = await createUser(t);
      const users = t.app.get(UsersService);
      await t.db.query('DELETE FROM user_stats WHERE user_id = $1', [u.userId]);
      const later = new Date('2030-01-02T00:00:00Z');
      await users.recordKeyUses([
        { userId: u.userId, at: new Date('2030-01-01T00:00:00Z') },
        { userId: u.userId, at: later },
        { userId: '00000000-0000-4000-8000-000000000000', at: later },
      ]);
      await users.recordKeyUses([{ userId: u.userId, at: new Date('2029-01-01T00:00:00Z') }]);
      const res = await t.http().get('/api/v1/users/me/stats').set(u.auth);
      expect(res.body.data.lastActiveAt).toBe(later.toISOString());
      const contacts = await users.contactsOf([u.userId, '00000000-0000-4000-8000-000000000000']);
      expect([...contacts.keys()]).toEqual([u.userId]);
      expect(await t.db.transaction((tx) => users.lockIn(tx, u.userId))).toBe(true);
      expect(await t.db.transaction((tx) => users.lockIn(tx, '00000000-0000-4000-8000-000000000000'))).toBe(false);
      expect(await users.count()).toBeGreaterThan(0);
    });
  });
});
