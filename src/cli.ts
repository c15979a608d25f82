/* Operator CLI: `npm run cli -- keys:create --discord-id 123456789012345678 --scopes servers:read,profile:read`. */
import { parseArgs } from 'node:util';
import { ApiKeysService } from './auth/api-keys.service';
import { createApp } from './bootstrap';
import { loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-url';

const USAGE = `usage: npm run cli -- keys:create --discord-id <snowflake> [--username <name>] [--scopes a,b] [--name <label>] [--expires-in-days N]`;

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'keys:create') {
    console.error(USAGE);
    process.exit(2);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'discord-id': { type: 'string' }, username: { type: 'string' }, scopes: { type: 'string' },
      name: { type: 'string' }, 'expires-in-days': { type: 'string' },
    },
  });
  if (!values['discord-id']) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig(process.env, { LOG_LEVEL: 'warn', AGIS_ROLES: [] });
  const { url, embedded } = await resolveDatabase(config, () => undefined);
  config.DATABASE_URL = url;
  const app = await createApp(config);
  await app.init();
  try {
    const created = await app.get(ApiKeysService).mintForDiscordUser(
      values['discord-id'], values.username ?? values['discord-id'],
      (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      values.name ?? 'cli', values['expires-in-days'] ? Number(values['expires-in-days']) : undefined);
    console.log(JSON.stringify({ id: created.id, scopes: created.scopes, expiresAt: created.expiresAt }));
    console.log(created.key);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
