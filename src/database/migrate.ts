/* Migration CLI: `npm run migration:run` / `npm run migration:revert`. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './database-options';
import { resolveDatabase } from './database-url';

async function main(): Promise<void> {
  const action = process.argv[2];
  if (action !== 'run' && action !== 'revert') {
    console.error('usage: migrate run|revert');
    process.exit(2);
  }
  const config = loadConfig(process.env, { AGIS_ROLES: [] });
  // Beside a running app on the embedded database, this connects to the app's server.
  const { url, embedded } = await resolveDatabase(config, (m) => console.log(m), 'share');
  const ds = new DataSource(dataSourceOptions(url));
  try {
    await ds.initialize();
    if (action === 'run') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations');
    } else {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration');
    }
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
