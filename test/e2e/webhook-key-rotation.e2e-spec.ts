import { verifyDelivery } from '../../src/webhooks/webhook-crypto';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { createTestApp, createTestDatabase, dropTestDatabase, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';

const OLD_KEY = 'old-webhook-key-0123456789abcdefghijklmnop';
const NEW_KEY = 'new-webhook-key-0123456789abcdefghijklmnop';
const ENV = { AGIS_ROLES: 'api,scheduler', WEBHOOKS_TICK_MS: '25', WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32' };

/** Rotating WEBHOOK_SECRET_KEY with WEBHOOK_SECRET_KEY_PREVIOUS loses no webhook secret (issue 13, item 2). */
describe('webhook key rotation', () => {
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let t: TestApp | undefined;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    databaseUrl = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
    await receiver.close();
    await dropTestDatabase(databaseUrl);
  });

  const boot = async (keys: Record<string, string>) => {
    await t?.close();
    t = await createTestApp({ ...ENV, ...keys }, { databaseUrl });
    return t;
  };
  const sealed = async (id: string) =>
    (await t!.db.query('SELECT secret_ciphertext FROM webhooks WHERE id = $1', [id]))[0].secret_ciphertext as string;
  const deliverTest = async (u: TestUser, id: string, path: string) => {
    expect((await t!.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth)).status).toBe(202);
    const [got] = await pollUntil(
      async () => receiver.on(path),
      (r) => r.length > 0,
      { what: `a delivery to ${path}` },
    );
    receiver.received.splice(receiver.received.indexOf(got), 1);
    return got;
  };

  it('re-seals secrets with the new key at boot, and they still sign after the old key is gone', async () => {
    await boot({ WEBHOOK_SECRET_KEY: OLD_KEY });
    const u = await createUser(t!, { scopes: ['webhooks:manage'] });
    const { id, secret } = (
      await t!
        .http()
        .post('/api/v1/webhooks')
        .set(u.auth)
        .send({ url: receiver.url('/rotated'), events: ['credits.low'] })
    ).body.data;
    const before = await sealed(id);

    await boot({ WEBHOOK_SECRET_KEY: NEW_KEY, WEBHOOK_SECRET_KEY_PREVIOUS: OLD_KEY });
    expect(await sealed(id)).not.toBe(before);
    let got = await deliverTest(u, id, '/rotated');
    expect(verifyDelivery(secret, got.headers['x-agis-timestamp'] as string, got.body, got.headers['x-agis-signature'] as string)).toBe(true);

    await boot({ WEBHOOK_SECRET_KEY: NEW_KEY });
    got = await deliverTest(u, id, '/rotated');
    expect(verifyDelivery(secret, got.headers['x-agis-timestamp'] as string, got.body, got.headers['x-agis-signature'] as string)).toBe(true);
  });

  it('without the previous key, a secret sealed with the old one fails its deliveries with the reason', async () => {
    await boot({ WEBHOOK_SECRET_KEY: OLD_KEY });
    const u = await createUser(t!, { scopes: ['webhooks:manage'] });
    const { id } = (
      await t!
        .http()
        .post('/api/v1/webhooks')
        .set(u.auth)
        .send({ url: receiver.url('/lost'), events: ['credits.low'] })
    ).body.data;
    await boot({ WEBHOOK_SECRET_KEY: NEW_KEY });
    expect((await t!.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth)).status).toBe(202);
    const [delivery] = await pollUntil(
      async () => (await t!.http().get(`/api/v1/webhooks/${id}/deliveries`).set(u.auth)).body.data as Array<{ lastError: string | null }>,
      (list) => list[0]?.lastError !== null,
      { what: 'the failed attempt' },
    );
    expect(delivery.lastError).toMatch(/cannot decrypt the webhook secret .*WEBHOOK_SECRET_KEY_PREVIOUS/);
    expect(receiver.on('/lost')).toEqual([]);
  });
});
