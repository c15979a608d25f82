/* Operator CLI: `npm run cli -- keys:create --discord-id 123456789012345678 --scopes servers:read,profile:read`. */
import { parseArgs } from 'node:util';
import { ApiKeysService } from './api-keys/api-keys.service';
import { SCOPES } from './auth/scopes';
import { createApp } from './bootstrap';
import { loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-url';

const USAGE = `usage: npm run cli -- keys:create --discord-id <snowflake> --scopes <a,b,...> [--username <name>] [--name <label>] [--expires-in-days N]
  --scopes     required; any of: ${SCOPES.join(', ')}
  --username   sets the user's name (a new user is named after their id; an existing user keeps theirs)`;

function usage(problem?: string): never {
  console.error(problem ? `${problem}\n${USAGE}` : USAGE);
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'keys:create') {
    usage();
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'discord-id': { type: 'string' },
      username: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      'expires-in-days': { type: 'string' },
    },
  });
  if (!values['discord-id']) {
    usage('--discord-id is required');
  }
  // No default: a key with every scope should never be the result of a forgotten flag.
  const scopes = (values.scopes ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) {
    usage('--scopes is required (e.g. --scopes servers:read,profile:read for a read-only key)');
  }
  const config = loadConfig(process.env, { LOG_LEVEL: 'warn', AGIS_ROLES: [] });
  // Beside a running app on the embedded database, this connects to the app's server and leaves it running.
  const { url, embedded } = await resolveDatabase(config, () => undefined, 'share');
  config.DATABASE_URL = url;
  try {
    const app = await createApp(config);
    await app.init();
    try {
      const created = await app
        .get(ApiKeysService)
        .mintForDiscordUser(
          values['discord-id'],
          values.username,
          scopes,
          values.name ?? 'cli',
          values['expires-in-days'] ? Number(values['expires-in-days']) : undefined,
        );
      console.log(JSON.stringify({ id: created.id, scopes: created.scopes, expiresAt: created.expiresAt }));
      console.log(created.key);
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
