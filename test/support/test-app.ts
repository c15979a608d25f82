import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import { ensureDatabase } from '../../src/database/database-options';
import { withDatabase } from '../../src/database/embedded-postgres';

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  db: DataSource;
  config: AppConfig;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A fresh database on the run's PostgreSQL, unique to this test file. */
export async function createTestDatabase(): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    throw new Error('TEST_DATABASE_URL is not set: run tests through jest (global setup starts PostgreSQL)');
  }
  const name = `agis_w${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(base, name);
  await ensureDatabase(url);
  return url;
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Boots the real app (real HTTP stack, real PostgreSQL, migrations applied) for a test file. */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { databaseUrl?: string; listen?: boolean; logs?: DestinationStream } = {},
): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  // Worlds of LocalAgones servers and the webhook key live here: one folder per app, removed with it.
  const dataDir = mkdtempSync(join(tmpdir(), 'agis-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_SEED: 'false',
    AGIS_ROLES: 'api',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // Specs send bursts from one key; rate limits are exercised in test/e2e/rate-limit.e2e-spec.ts, which sets its own.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_CREATE_PER_MINUTE: '1000000',
    // Users start at 0 GC so each test sets balances itself; test/e2e/premium-work.e2e-spec.ts passes its own.
    STARTER_CREDITS: '0',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const app = await createApp(config, { logs: opts.logs });
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
  } else {
    await app.init();
  }
  const server = app.getHttpServer();
  return {
    app,
    http: () => request(server),
    db: app.get(DataSource),
    config,
    databaseUrl,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (!opts.databaseUrl) {
        await dropTestDatabase(databaseUrl);
      }
    },
  };
}
