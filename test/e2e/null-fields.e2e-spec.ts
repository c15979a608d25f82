import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { balanceOf } from '../support/ledger-checks';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A body each operation accepts; every property of its schema is then sent as null, one at a time. */
const VALID_BODIES: Record<string, Json> = {
  buyPremium: { months: 1 },
  createCheckout: { packageId: 'wtg-5' },
  sendGift: { toDiscordId: '123456789012345678', amount: 1, note: 'thanks' },
  createServer: { name: 'nullable', gameType: 'minecraft', start: false },
  updateServerListing: { public: false, description: 'nullable' },
  createSchedule: { action: 'stop', cron: '0 9 * * *', timezone: 'UTC', enabled: true },
  updateSchedule: { action: 'stop', cron: '0 10 * * *', timezone: 'UTC', enabled: false },
  createApiKey: { name: 'nullable', scopes: ['profile:read'], expiresInDays: 30, allowedIps: [] },
  createWebhook: { url: 'http://127.0.0.1:9/hook', events: ['credits.low'], format: 'json' },
  convertWtg: { wtg: 1 },
  grantWtg: { discordId: '123456789012345678', coins: 5, reference: 'null-1' },
  depositToGuild: { amount: 1 },
  setGuildChannel: { channelId: '123456789012345678' },
  createGuildServer: { name: 'nullable', gameType: 'minecraft', start: false },
  staffStopServer: { reason: 'Breaks the rules' },
  staffDeleteServer: { reason: 'Breaks the rules' },
  adjustUserCredits: { amount: 5, reason: 'Outage refund' },
  suspendUser: { reason: 'Spam' },
  unsuspendUser: { reason: 'Appeal accepted' },
  saveCatalogGame: {
    name: 'Minecraft (Java)',
    hourlyCost: 30,
    image: 'itzg/minecraft-server:latest',
    ports: [{ name: 'game', containerPort: 25565, protocol: 'TCP' }],
    resources: { cpu: '1000m', memory: '2Gi' },
    env: { EULA: 'TRUE' },
    args: [],
    dataPath: '/data',
    storage: '10Gi',
    readiness: { check: 'protocol-minecraftvanilla', port: 25565 },
    enabled: true,
  },
};

describe('null in a body field is refused, never taken as "not sent"', () => {
  let t: TestApp;
  let u: TestUser;
  let serverId: string;
  let scheduleId: string;
  let doc: Json;
  beforeAll(async () => {
    t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
    doc = (await t.http().get('/api/docs-json')).body;
    u = await createUser(t, { credits: 1000, wtgCoins: 5, scopes: ['admin'] });
    serverId = (await t.http().post('/api/v1/servers').set(u.auth).send({ name: 'base', gameType: 'minecraft', start: false })).body.data.id;
    scheduleId = (await t.http().post(`/api/v1/servers/${serverId}/schedules`).set(u.auth).send({ action: 'start', cron: '0 8 * * *' })).body.data.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const credits = () => balanceOf(t, u.userId);
  const count = async (table: string) => Number((await t.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('does not create, start or charge for a server sent with "start": null', async () => {
    const before = { credits: await credits(), servers: await count('servers') };
    const res = await t.http().post('/api/v1/servers').set(u.auth).send({ name: 'x', gameType: 'minecraft', start: null });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /start must not be null/));
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'start' })]);
    expect({ credits: await credits(), servers: await count('servers') }).toEqual(before);
  });

  it('refuses {"enabled": null} on a schedule and leaves it as it was', async () => {
    const before = await t.db.query('SELECT enabled, cron, next_run_at FROM server_schedules WHERE id = $1', [scheduleId]);
    const res = await t.http().patch(`/api/v1/schedules/${scheduleId}`).set(u.auth).send({ enabled: null });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /enabled/));
    expect(await t.db.query('SELECT enabled, cron, next_run_at FROM server_schedules WHERE id = $1', [scheduleId])).toEqual(before);
    // Leaving a field out is still "unchanged".
    expect((await t.http().patch(`/api/v1/schedules/${scheduleId}`).set(u.auth).send({})).status).toBe(200);
  });

  it('refuses a key with null expiresInDays or allowedIps, and mints none', async () => {
    const keys = await count('api_keys');
    for (const field of ['expiresInDays', 'allowedIps']) {
      const res = await t
        .http()
        .post('/api/v1/auth/keys')
        .set(u.auth)
        .send({ name: 'n', scopes: ['profile:read'], [field]: null });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: Json) => d.field)).toEqual([field]);
    }
    expect(await count('api_keys')).toBe(keys);
  });

  it('refuses null in every property of every request body in the document', async () => {
    const failures: string[] = [];
    const ops = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
    );
    const withBodies = ops.filter((o) => o.op.requestBody?.content?.['application/json']?.schema?.$ref);
    expect(withBodies.map((o) => o.op.operationId).sort()).toEqual(Object.keys(VALID_BODIES).sort());
    for (const o of withBodies) {
      const schema = doc.components.schemas[(o.op.requestBody.content['application/json'].schema.$ref as string).split('/').pop()!];
      const path = o.path.replace('{id}', o.path.startsWith('/api/v1/servers/') ? serverId : scheduleId).replace('{key}', 'minecraft');
      for (const field of Object.keys(schema.properties)) {
        const res = await t
          .http()
          [o.method as 'post'](path)
          .set(u.auth)
          .send({ ...VALID_BODIES[o.op.operationId], [field]: null });
        const fields = (res.body?.error?.details ?? []).map((d: Json) => d.field);
        if (res.status !== 400 || res.body.error.code !== 'VALIDATION_FAILED' || !fields.includes(field)) {
          failures.push(`${o.op.operationId} ${field}: null answered ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
