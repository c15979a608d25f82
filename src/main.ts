// First: tracing patches `require` for http, express and pg, so it starts before they load (off without OTEL_EXPORTER_OTLP_ENDPOINT).
import { stopTracing } from './tracing';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-url';
import { EmbeddedDatabaseInUse } from './database/embedded-postgres';
import { DemoSeedService } from './demo/demo-seed.service';
import { webhookKeyFile } from './webhooks/webhook-keys';

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
  if (config.DATABASE_URL && !config.WEBHOOK_SECRET_KEY) {
    console.warn(
      `WEBHOOK_SECRET_KEY is not set: webhook secrets are encrypted with the key in ${webhookKeyFile(config.DATA_DIR)}, ` +
        'which only this machine has. Set WEBHOOK_SECRET_KEY (the same on every replica) before running more than one (required in production).',
    );
  }
  let database;
  try {
    database = await resolveDatabase(config, (m) => console.log(m));
  } catch (err) {
    if (err instanceof EmbeddedDatabaseInUse) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { url, embedded } = database;
  let stopping = false;
  // Serving 500s without a database helps no one: exit, and the supervisor starts a fresh process.
  // (Ctrl-C in a terminal also reaches postgres, which then stops during our own shutdown: not unexpected.)
  embedded?.onUnexpectedExit((reason) => {
    if (!stopping) {
      console.error(`Embedded PostgreSQL stopped unexpectedly (${reason}); agis exits so it can be restarted`);
      process.exit(1);
    }
  });
  config.DATABASE_URL = url;
  const app = await createApp(config);

  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal} received: finishing in-flight requests`);
    setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    const server = app.getHttpServer();
    server.closeIdleConnections();
    await app.close();
    await stopTracing();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGHUP', () => void shutdown('SIGHUP'));

  await app.listen(config.PORT, config.HOST);
  const demoKey = config.DEMO_SEED ? await app.get(DemoSeedService).seedIfEmpty() : undefined;
  console.log(`agis listening on ${config.publicUrl} (roles: ${config.AGIS_ROLES.join(', ')})`);
  if (config.hasRole('api')) {
    console.log(`Swagger UI: ${config.publicUrl}/api/docs`);
  }
  if (demoKey) {
    console.log(`Demo API key (shown once, store it): ${demoKey}`);
    console.log(`Try: curl -H "Authorization: Bearer ${demoKey}" ${config.publicUrl}/api/v1/users/me`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
