import { AppConfig } from '../config/app-config';
import { ensureDatabase } from './database-options';
import { EmbeddedDatabase, startEmbeddedPostgres, withDatabase } from './embedded-postgres';
import { join } from 'node:path';

/**
 * Resolves the database to use: DATABASE_URL as given, or an embedded PostgreSQL in DATA_DIR/pg
 * with a database named `agis`. Returns the embedded server so the caller can stop it on shutdown.
 */
export async function resolveDatabase(config: AppConfig, log: (msg: string) => void):
  Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.DATA_DIR, 'pg'), log });
  const url = withDatabase(embedded.url, 'agis');
  await ensureDatabase(url);
  return { url, embedded };
}
