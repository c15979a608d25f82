import { ApiKeyTouchService } from '../../src/api-keys/api-key-touch.service';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { USER_SCOPES } from '../../src/auth/scopes';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { metricSum } from '../support/metric-sum';
import { pollUntil } from '../support/poll';

const RATE_LIMIT = 40;
const keyIdOf = (key: string) => key.split('_')[1];

describe('API usage per key (GET /api/v1/auth/keys/:id/usage, agis_api_* metrics)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A second key of the same user, so reading the usage does not count against the key being measured. */
  async function readerFor(u: TestUser): Promise<Record<string, string>> {
    const reader = await t.app.get(ApiKeysService).mintForDiscordUser(u.discordId, undefined, ['keys:manage'], 'usage reader');
    return { Authorization: `Bearer ${reader.key}` };
  }

  async function usageOf(keyId: string, auth: Record<string, string>) {
    await t.app.get(ApiKeyTouchService).flush();
    return t.http().get(`/api/v1/auth/keys/${keyId}/usage`).set(auth);
  }

  it("gives the key's owner exactly the requests and errors the key made, for 24 h and 7 d", async () => {
    const u = await createUser(t);
    const keyId = keyIdOf(u.key);
    const reader = await readerFor(u);
    const before = await usageOf(keyId, reader);
    expect(before.status).toBe(200);
    expect(before.body.data).toMatchObject({ keyId, last24h: { requests: 0, errors: 0 }, last7d: { requests: 0, errors: 0 } });

    for (let i = 0; i < 4; i++) {
      expect((await t.http().get('/api/v1/users/me').set(u.auth)).status).toBe(200);
    }
    for (let i = 0; i < 2; i++) {
      expect((await t.http().get('/api/v1/servers/00000000-0000-4000-8000-000000000000').set(u.auth)).status).toBe(404);
    }
    expect(
      (
        await t
          .http()
          .post('/api/v1/auth/keys')
          .set(u.auth)
          .send({ name: '', scopes: ['nope'] })
      ).status,
    ).toBe(400);

    // The counts are taken when each response finishes and written by the flush: poll until the last one landed.
    const res = await pollUntil(
      () => usageOf(keyId, reader),
      (r) => r.body.data?.last24h?.requests >= 7,
    );
    expect(res.status).toBe(200);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    expect(res.body.data).toEqual({
      keyId,
      last24h: { since: new Date(hour - 23 * 3_600_000).toISOString(), requests: 7, errors: 3 },
      last7d: { since: new Date(hour - 167 * 3_600_000).toISOString(), requests: 7, errors: 3 },
    });
    // Flushing again adds nothing: each request is counted once.
    expect((await usageOf(keyId, reader)).body.data.last7d).toMatchObject({ requests: 7, errors: 3 });

    const text = (await t.http().get('/metrics')).text;
    expect(metricSum(text, 'agis_api_requests_total', { key_id: keyId, route: '/api/v1/users/me', status: '200' })).toBe(4);
    expect(metricSum(text, 'agis_api_requests_total', { key_id: keyId, route: '/api/v1/servers/:id', status: '404' })).toBe(2);
    expect(metricSum(text, 'agis_api_requests_total', { key_id: keyId })).toBe(7);
    // Never the secret.
    expect(text).not.toContain(u.key.split('_')[2]);
  });

  it('forgets hours older than 8 days with a flush, at most once an hour, and keeps the rest', async () => {
    const u = await createUser(t);
    const keyId = keyIdOf(u.key);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const insert = (hoursAgo: number) =>
      t.db.query('INSERT INTO api_key_usage (key_id, hour, requests, errors) VALUES ($1, $2, 5, 1)', [keyId, new Date(hour - hoursAgo * 3_600_000)]);
    const touches = t.app.get(ApiKeyTouchService);
    await touches.flush();
    await insert(9 * 24);
    await insert(6 * 24);
    const hours = async () =>
      (await t.db.query('SELECT hour FROM api_key_usage WHERE key_id = $1 ORDER BY hour', [keyId])).map((r: { hour: Date }) => r.hour.getTime());
    // A process purges at its first write, then once an hour: a flush now keeps the old row.
    await touches.flush();
    expect(await hours()).toEqual([hour - 9 * 24 * 3_600_000, hour - 6 * 24 * 3_600_000]);
    const realNow = Date.now();
    const now = jest.spyOn(Date, 'now').mockReturnValue(realNow + 2 * 3_600_000);
    try {
      await touches.flush();
    } finally {
      now.mockRestore();
    }
    expect(await hours()).toEqual([hour - 6 * 24 * 3_600_000]);
    const res = await usageOf(keyId, await readerFor(u));
    expect(res.body.data.last7d).toMatchObject({ requests: 5, errors: 1 });
    expect(res.body.data.last24h).toMatchObject({ requests: 0, errors: 0 });
  });

  it("answers 404 for another user's key and for a key that does not exist", async () => {
    const owner = await createUser(t);
    const other = await createUser(t, { scopes: [...USER_SCOPES] });
    const res = await t
      .http()
      .get(`/api/v1/auth/keys/${keyIdOf(owner.key)}/usage`)
      .set(other.auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope('API_KEY_NOT_FOUND'));
    const missing = await t.http().get('/api/v1/auth/keys/zzzzzzzzzzzz/usage').set(other.auth);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorEnvelope('API_KEY_NOT_FOUND'));
  });

  it('needs keys:manage', async () => {
    const u = await createUser(t, { scopes: ['profile:read'] });
    const res = await t
      .http()
      .get(`/api/v1/auth/keys/${keyIdOf(u.key)}/usage`)
      .set(u.auth);
    expect(res.status).toBe(403);
  });

  it('counts rate-limit refusals per key, and a made-up key id under "none"', async () => {
    const u = await createUser(t);
    const keyId = keyIdOf(u.key);
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 3; i++) {
      statuses.push((await t.http().get('/api/v1/users/me').set(u.auth)).status);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const made = `agis_zzzzzzzzzzzz_${'a'.repeat(43)}`;
    const noneBefore = metricSum((await t.http().get('/metrics')).text, 'agis_api_rate_limited_total', { key_id: 'none' });
    for (let i = 0; i < RATE_LIMIT + 1; i++) {
      await t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${made}`);
    }
    const text = (await t.http().get('/metrics')).text;
    expect(metricSum(text, 'agis_api_rate_limited_total', { key_id: keyId })).toBe(3);
    expect(metricSum(text, 'agis_api_rate_limited_total', { key_id: 'none' })).toBe(noneBefore + 1);
    expect(text).not.toContain('key_id="zzzzzzzzzzzz"');
  });
});
