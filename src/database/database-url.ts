import { type AppConfig } from '../config/app-config';
import { ensureDatabase } from './database-options';
import { attachOrStartEmbeddedPostgres, type EmbeddedDatabase, startEmbeddedPostgres, withDatabase } from './embedded-postgres';
import { join } from 'node:path';

/**
 * Resolves the database to use: DATABASE_URL as given, or the embedded PostgreSQL in DATA_DIR/pg with a
 * database named `agis`. The app (`own`) starts that server and owns it: a second app on the same DATA_DIR
 * is refused (EmbeddedDatabaseInUse). Operator commands (`share`) connect to the server of a running app,
 * or start one for their own duration. Returns the embedded server so the caller can stop it on shutdown.
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (msg: string) => void,
  mode: 'own' | 'share' = 'own',
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL };
  }
  const dataDir = join(config.DATA_DIR, 'pg');
  const embedded = mode === 'own' ? await startEmbeddedPostgres({ dataDir, log }) : await attachOrStartEmbeddedPostgres({ dataDir, log });
  const url = withDatabase(embedded.url, 'agis');
  try {
    await ensureDatabase(url);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return { url, embedded };
}
