import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/database-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { createTestDatabase, dropTestDatabase } from '../support/test-app';

describe('migrations', () => {
  it('apply and revert cleanly on an empty database, and apply again', async () => {
    const url = await createTestDatabase();
    const ds = new DataSource(dataSourceOptions(url, 2));
    await ds.initialize();
    try {
      const tables = async () =>
        (
          await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`)
        ).map((r: { table_name: string }) => r.table_name);
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied).toHaveLength(MIGRATIONS.length);
      expect(await tables()).toEqual(expect.arrayContaining(['api_keys', 'idempotency_keys', 'user_stats', 'users']));
      for (let i = 0; i < MIGRATIONS.length; i++) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      expect(await tables()).toEqual([]);
      expect(await ds.showMigrations()).toBe(true);
      expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
      await dropTestDatabase(url);
    }
  });
});
