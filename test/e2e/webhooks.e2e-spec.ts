import { Transactions } from '../../src/database/transactions';
import { WebhooksService } from '../../src/webhooks/webhooks.service';
import { verifyDelivery } from '../../src/webhooks/webhook-crypto';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';
import { waitForStatus } from '../support/server-steps';

/** Fast loops, small backoff, generous HTTP limits: the behaviour under test, not the defaults. */
const FAST = {
  AGIS_ROLES: 'api,scheduler',
  WEBHOOKS_TICK_MS: '25',
  WEBHOOKS_BACKOFF_BASE_MS: '300',
  WEBHOOKS_DISABLE_AFTER_FAILURES: '3',
  LOCAL_AGONES_STEP_MS: '20',
  RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_CREATE_PER_MINUTE: '100000',
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('outbound webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    // Only 127.0.0.1 is let through (the operator allow-list); every other private range stays refused.
    t = await createTestApp({ ...FAST, WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const register = async (u: TestUser, body: Json) => t.http().post('/api/v1/webhooks').set(u.auth).send(body);
  const deliveriesOf = async (u: TestUser, hookId: string) =>
    (await t.http().get(`/api/v1/webhooks/${hookId}/deliveries?perPage=100`).set(u.auth)).body.data as Json[];
  const bodies = (path: string) => receiver.on(path).map((d) => JSON.parse(d.body) as Json);

  describe('registration', () => {
    it('needs a key with webhooks:manage', async () => {
      expect((await t.http().get('/api/v1/webhooks')).status).toBe(401);
      const u = await createUser(t, { scopes: ['servers:read'] });
      const res = await register(u, { url: receiver.url('/x'), events: ['server.started'] });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /webhooks:manage/));
    });

    it.each([
      ['a missing url', { events: ['server.started'] }, 'url'],
      ['an unknown event', { url: 'https://example.com/h', events: ['server.exploded'] }, 'events'],
      ['no events', { url: 'https://example.com/h', events: [] }, 'events'],
      ['an unknown format', { url: 'https://example.com/h', events: ['credits.low'], format: 'xml' }, 'format'],
      ['an extra field', { url: 'https://example.com/h', events: ['credits.low'], secret: 'mine' }, 'secret'],
    ])('refuses %s with 400 and field details', async (_label, body, field) => {
      const u = await createUser(t);
      const res = await register(u, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it.each([
      'http://10.0.0.1/hook',
      'http://192.168.1.20/hook',
      'http://172.16.5.5/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://127.0.0.2/hook',
      'http://[::1]/hook',
      'http://[fc00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'http://0.0.0.0/hook',
      'http://100.64.0.1/hook',
      'ftp://127.0.0.1/hook',
      'http://user:pw@127.0.0.1/hook',
      'not a url',
    ])('refuses the target %s', async (url) => {
      const u = await createUser(t);
      const res = await register(u, { url, events: ['server.started'] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /^url /));
      expect((await t.http().get('/api/v1/webhooks').set(u.auth)).body.meta.total).toBe(0);
    });

    it('shows the secret once and keeps it encrypted at rest', async () => {
      const u = await createUser(t);
      const res = await register(u, { url: receiver.url('/once'), events: ['server.started', 'credits.low'] });
      expect(res.status).toBe(201);
      const { id, secret } = res.body.data;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(res.body.data).toEqual(expect.objectContaining({ format: 'json', enabled: true, events: ['server.started', 'credits.low'] }));
      const list = await t.http().get('/api/v1/webhooks').set(u.auth);
      expect(list.body.data).toEqual([expect.objectContaining({ id })]);
      expect(JSON.stringify(list.body)).not.toContain(secret);
      const [row] = await t.db.query('SELECT * FROM webhooks WHERE id = $1', [id]);
      expect(JSON.stringify(row)).not.toContain(secret.slice(6));
      const activity = await t.http().get('/api/v1/users/me/activity').set(u.auth);
      expect(activity.body.data[0]).toEqual(expect.objectContaining({ action: 'webhook.created', targetId: id }));
    });

    it("hides other users' webhooks (404) and deletes only one's own", async () => {
      const owner = await createUser(t);
      const other = await createUser(t);
      const { id } = (await register(owner, { url: receiver.url('/mine'), events: ['credits.low'] })).body.data;
      for (const res of [
        await t.http().delete(`/api/v1/webhooks/${id}`).set(other.auth),
        await t.http().post(`/api/v1/webhooks/${id}/test`).set(other.auth),
        await t.http().get(`/api/v1/webhooks/${id}/deliveries`).set(other.auth),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorEnvelope('WEBHOOK_NOT_FOUND'));
      }
      expect((await t.http().delete(`/api/v1/webhooks/${id}`).set(owner.auth)).status).toBe(200);
      expect((await t.http().get('/api/v1/webhooks').set(owner.auth)).body.data).toEqual([]);
    });
  });

  describe('delivery', () => {
    it('signs each delivery so the receiver can verify it, and logs the attempt', async () => {
      const u = await createUser(t);
      const { id, secret } = (await register(u, { url: receiver.url('/signed'), events: ['credits.low'] })).body.data;
      const queued = await t.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth);
      expect(queued.status).toBe(202);
      expect(queued.body.data).toEqual(expect.objectContaining({ event: 'webhook.test', status: 'pending' }));
      const [got] = await pollUntil(
        async () => receiver.on('/signed'),
        (r) => r.length > 0,
        { what: 'the test delivery' },
      );
      expect(got.headers['x-agis-event']).toBe('webhook.test');
      expect(got.headers['x-agis-delivery']).toBe(queued.body.data.id);
      expect(got.headers['content-type']).toBe('application/json');
      const ts = got.headers['x-agis-timestamp'] as string;
      const signature = got.headers['x-agis-signature'] as string;
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyDelivery(secret, ts, got.body, signature)).toBe(true);
      expect(verifyDelivery(secret, ts, got.body.replace('test', 'tost'), signature)).toBe(false);
      expect(verifyDelivery(`${secret}x`, ts, got.body, signature)).toBe(false);
      expect(verifyDelivery(secret, String(Number(ts) - 3600), got.body, signature)).toBe(false);
      expect(JSON.parse(got.body)).toEqual({
        id: queued.body.data.id,
        event: 'webhook.test',
        createdAt: expect.any(String),
        data: expect.objectContaining({ webhookId: id }),
      });
      const [delivery] = await pollUntil(
        () => deliveriesOf(u, id),
        (d) => d[0]?.status === 'delivered',
        { what: 'delivered status' },
      );
      expect(delivery).toEqual(expect.objectContaining({ attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null }));
      expect(delivery.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null, durationMs: expect.any(Number) })]);
    });

    it('posts a Discord webhook body {content, embeds} in the discord format', async () => {
      const u = await createUser(t);
      const { id } = (await register(u, { url: receiver.url('/discord'), events: ['server.started'], format: 'discord' })).body.data;
      await t.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth);
      const [got] = await pollUntil(
        async () => bodies('/discord'),
        (r) => r.length > 0,
        { what: 'the discord delivery' },
      );
      expect(got).toEqual({
        content: expect.stringContaining('webhook.test'),
        embeds: [
          expect.objectContaining({ title: 'Test delivery', fields: expect.arrayContaining([{ name: 'webhookId', value: id, inline: true }]) }),
        ],
        allowed_mentions: { parse: [] },
      });
    });

    it('emits server events, each from the transaction of its change, and credits.low once', async () => {
      const u = await createUser(t, { credits: 120 });
      const other = await createUser(t, { credits: 120 });
      await register(u, {
        url: receiver.url('/servers'),
        events: ['server.created', 'server.started', 'server.stopped', 'server.deleted', 'credits.low'],
      });
      await register(other, { url: receiver.url('/other'), events: ['schedule.failed'] });
      const created = await t.http().post('/api/v1/servers').set(u.auth).send({ name: 'hooked', gameType: 'minecraft' });
      expect(created.status).toBe(201);
      const serverId = created.body.data.id;
      await waitForStatus(t, u, serverId, 'running');
      expect((await t.http().post(`/api/v1/servers/${serverId}/stop`).set(u.auth)).status).toBe(202);
      await waitForStatus(t, u, serverId, 'stopped');
      expect((await t.http().delete(`/api/v1/servers/${serverId}`).set(u.auth)).status).toBe(200);
      const events = await pollUntil(
        async () => bodies('/servers'),
        (r) => r.some((b) => b.event === 'server.deleted'),
        { what: 'server.deleted' },
      );
      expect(events.map((b) => b.event).sort()).toEqual(['credits.low', 'server.created', 'server.deleted', 'server.started', 'server.stopped']);
      const byEvent = Object.fromEntries(events.map((b) => [b.event, b.data]));
      expect(byEvent['server.started'].server).toEqual(expect.objectContaining({ id: serverId, status: 'running', address: expect.any(String) }));
      expect(byEvent['server.stopped'].server).toEqual(expect.objectContaining({ id: serverId, status: 'stopped', stopReason: 'user' }));
      expect(byEvent['server.deleted'].server).toEqual(expect.objectContaining({ id: serverId }));
      expect(byEvent['credits.low']).toEqual({ balance: 90, threshold: 100, spent: 30, reason: 'server_hour' });
      expect(receiver.on('/other')).toEqual([]);
      const activity = (await t.http().get('/api/v1/users/me/activity').set(u.auth)).body.data as Json[];
      expect(activity.map((a) => a.action)).toEqual(['server.delete', 'server.stop', 'server.created', 'webhook.created', 'key.created']);
      expect(activity[0]).toEqual(expect.objectContaining({ via: 'api-key', apiKeyId: u.key.split('_')[1], ip: '127.0.0.1', targetId: serverId }));
    });

    it('emits schedule.executed and schedule.failed for runs', async () => {
      const u = await createUser(t, { credits: 0 });
      const hook = (await register(u, { url: receiver.url('/schedules'), events: ['schedule.executed', 'schedule.failed'] })).body.data;
      const server = (await t.http().post('/api/v1/servers').set(u.auth).send({ name: 'sched', gameType: 'minecraft', start: false })).body.data;
      const stop = (await t.http().post(`/api/v1/servers/${server.id}/schedules`).set(u.auth).send({ action: 'stop', cron: '0 3 * * *' })).body.data;
      const start = (await t.http().post(`/api/v1/servers/${server.id}/schedules`).set(u.auth).send({ action: 'start', cron: '0 4 * * *' })).body
        .data;
      expect((await t.http().post(`/api/v1/schedules/${stop.id}/run`).set(u.auth)).status).toBe(202);
      expect((await t.http().post(`/api/v1/schedules/${start.id}/run`).set(u.auth)).status).toBe(202);
      const got = await pollUntil(
        async () => bodies('/schedules'),
        (r) => r.length >= 2,
        { what: 'two schedule events' },
      );
      const executed = got.find((b) => b.event === 'schedule.executed')!;
      const failed = got.find((b) => b.event === 'schedule.failed')!;
      expect(executed.data).toEqual({
        schedule: expect.objectContaining({ id: stop.id, serverId: server.id, action: 'stop' }),
        execution: expect.objectContaining({ trigger: 'manual', status: 'skipped' }),
      });
      expect(failed.data.execution).toEqual(expect.objectContaining({ status: 'failed', error: expect.stringMatching(/Not enough GameCredits/) }));
      expect(hook.id).toBeDefined();
      // The failed scheduled start is in the owner's activity log only if it changed something: it did not.
      const actions = ((await t.http().get('/api/v1/users/me/activity').set(u.auth)).body.data as Json[]).map((a) => a.action);
      expect(actions.filter((a) => a === 'schedule.created')).toHaveLength(2);
    });

    it('retries a failing receiver with growing backoff and logs every attempt', async () => {
      receiver.respond('/flaky', (n) => ({ status: n <= 2 ? 500 : 204 }));
      const u = await createUser(t);
      const { id } = (await register(u, { url: receiver.url('/flaky'), events: ['credits.low'] })).body.data;
      await t.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth);
      const [delivery] = await pollUntil(
        () => deliveriesOf(u, id),
        (d) => d[0]?.status === 'delivered',
        { what: 'delivery after retries' },
      );
      expect(delivery.attempts).toBe(3);
      expect(delivery.attemptLog.map((a: Json) => [a.statusCode, a.error])).toEqual([
        [500, 'HTTP 500'],
        [500, 'HTTP 500'],
        [204, null],
      ]);
      const at = receiver.on('/flaky').map((d) => d.receivedAt);
      expect(new Set(receiver.on('/flaky').map((d) => d.headers['x-agis-delivery'])).size).toBe(1);
      // Equal jitter: the n-th retry waits between half and all of base * 2^(n-1) (base 300 ms).
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(150);
      expect(at[2] - at[1]).toBeGreaterThanOrEqual(300);
    });

    it('disables a webhook after repeated failures and fails what it had pending', async () => {
      receiver.respond('/down', () => ({ status: 503 }));
      const u = await createUser(t);
      const { id } = (await register(u, { url: receiver.url('/down'), events: ['credits.low'] })).body.data;
      await t.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth);
      const [hook] = await pollUntil(
        async () => (await t.http().get('/api/v1/webhooks').set(u.auth)).body.data as Json[],
        (h) => h[0]?.enabled === false,
        { what: 'the webhook to be disabled' },
      );
      expect(hook).toEqual(expect.objectContaining({ consecutiveFailures: 3, disabledReason: expect.stringMatching(/3 failed attempts in a row/) }));
      const [delivery] = await deliveriesOf(u, id);
      expect(delivery).toEqual(expect.objectContaining({ status: 'failed', attempts: 3 }));
      const again = await t.http().post(`/api/v1/webhooks/${id}/test`).set(u.auth);
      expect(again.status).toBe(409);
      expect(receiver.on('/down')).toHaveLength(3);
    });
  });
});

describe('webhook outbox across restarts and replicas', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  // Replicas of one deployment share the key that seals webhook secrets (each test app has its own DATA_DIR).
  const ENV = {
    ...FAST,
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOKS_CONCURRENCY: '4',
    WEBHOOK_SECRET_KEY: 'replicas-share-this-key-of-32-chars-or-more',
  };
  /** Writes `n` credits.low events for the user, each in its own transaction, as the ledger would. */
  const emit = async (t: TestApp, userId: string, n: number) => {
    const webhooks = t.app.get(WebhooksService);
    for (let i = 0; i < n; i++) {
      await t.app
        .get(Transactions)
        .run((tx) => webhooks.enqueueIn(tx, userId, 'credits.low', { balance: i, threshold: 100, spent: 1, reason: 'test' }));
    }
  };
  const deliveredIds = (path: string) => receiver.on(path).map((d) => d.headers['x-agis-delivery'] as string);

  it('loses no delivery when the app stops mid-delivery or a replica dies holding claims', async () => {
    receiver.respond('/restart', () => ({ status: 200, delayMs: 150 }));
    const first = await createTestApp(ENV);
    const u = await createUser(first);
    const hook = (
      await first
        .http()
        .post('/api/v1/webhooks')
        .set(u.auth)
        .send({ url: receiver.url('/restart'), events: ['credits.low'] })
    ).body.data;
    await emit(first, u.userId, 20);
    const all: Array<{ id: string }> = await first.db.query('SELECT id FROM webhook_deliveries WHERE webhook_id = $1', [hook.id]);
    expect(all).toHaveLength(20);
    await pollUntil(
      async () => receiver.on('/restart').length,
      (n) => n > 0,
      { what: 'the first deliveries to be in flight' },
    );
    await first.app.close();

    let second: TestApp | undefined;
    try {
      const { Client } = await import('pg');
      const db = new Client({ connectionString: first.databaseUrl });
      await db.connect();
      const [{ pending }] = (await db.query(`SELECT count(*)::int AS pending FROM webhook_deliveries WHERE status = 'pending'`)).rows;
      expect(pending).toBeGreaterThan(0);
      // A replica that crashed while holding a claim: its lease runs out and another replica takes the delivery.
      await db.query(`UPDATE webhook_deliveries SET claimed_by = 'dead:1:000000', claimed_until = now() + interval '1 second', attempts = attempts + 1
        WHERE id = (SELECT id FROM webhook_deliveries WHERE status = 'pending' ORDER BY created_at DESC LIMIT 1)`);
      await db.end();

      second = await createTestApp(ENV, { databaseUrl: first.databaseUrl });
      const ids = await pollUntil(
        async () => new Set(deliveredIds('/restart')),
        (s) => s.size >= 20,
        { timeoutMs: 15_000, what: 'every delivery' },
      );
      expect([...ids].sort()).toEqual(all.map((r) => r.id).sort());
      await pollUntil(
        async () => (await second!.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'`))[0].n as number,
        (n) => n === 20,
        { what: 'every delivery recorded as delivered' },
      );
    } finally {
      await second?.close();
      const { dropTestDatabase } = await import('../support/test-app');
      await dropTestDatabase(first.databaseUrl);
    }
  });

  it('sends each delivery once with three replicas claiming the same outbox', async () => {
    const base = await createTestApp(ENV);
    const replicas = [base, ...(await Promise.all([1, 2].map(() => createTestApp(ENV, { databaseUrl: base.databaseUrl }))))];
    try {
      const u = await createUser(base);
      await base
        .http()
        .post('/api/v1/webhooks')
        .set(u.auth)
        .send({ url: receiver.url('/replicas'), events: ['credits.low'] });
      await emit(base, u.userId, 90);
      await pollUntil(
        async () => receiver.on('/replicas').length,
        (n) => n >= 90,
        { timeoutMs: 20_000, what: '90 deliveries' },
      );
      // Give a duplicate (if any) the time to show up before counting.
      await pollUntil(
        async () => (await base.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'`))[0].n as number,
        (n) => n === 90,
        { what: 'all deliveries recorded' },
      );
      const ids = deliveredIds('/replicas');
      expect(ids).toHaveLength(90);
      expect(new Set(ids).size).toBe(90);
      const [{ attempts }] = await base.db.query('SELECT count(*)::int AS attempts FROM webhook_delivery_attempts');
      expect(attempts).toBe(90);
    } finally {
      for (const r of replicas.slice(1)) {
        await r.close();
      }
      await base.close();
    }
  });
});
