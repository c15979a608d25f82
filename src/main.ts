import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-url';
import { DemoSeedService } from './auth/demo-seed.service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const { url, embedded } = await resolveDatabase(config, (m) => console.log(m));
  config.DATABASE_URL = url;
  const app = await createApp(config);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal} received: finishing in-flight requests`);
    setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    const server = app.getHttpServer() as import('node:http').Server;
    server.closeIdleConnections();
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGHUP', () => void shutdown('SIGHUP'));

  await app.listen(config.PORT, config.HOST);
  const demoKey = config.DEMO_SEED ? await app.get(DemoSeedService).seedIfEmpty() : undefined;
  console.log(`agis listening on ${config.publicUrl} (roles: ${config.AGIS_ROLES.join(', ')})`);
  console.log(`Swagger UI: ${config.publicUrl}/api/docs`);
  if (demoKey) {
    console.log(`Demo API key (shown once, store it): ${demoKey}`);
    console.log(`Try: curl -H "Authorization: Bearer ${demoKey}" ${config.publicUrl}/api/v1/users/me`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
