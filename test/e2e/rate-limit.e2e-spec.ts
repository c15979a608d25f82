import { randomBytes } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';

const LIMITS = { RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_CREATE_PER_MINUTE: '2' };

describe('rate limits', () => {
  describe('in memory (no REDIS_URL)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(LIMITS);
    });
    afterAll(async () => {
      await t.close();
    });

    const me = (u: TestUser) => t.http().get('/api/v1/users/me').set(u.auth);

    it('counts each API key, with X-RateLimit headers, then answers 429 in the envelope with Retry-After', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 5; i++) {
        const res = await me(u);
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('5');
        expect(res.headers['x-ratelimit-remaining']).toBe(String(4 - i));
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);
      }
      const limited = await me(u);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual(errorEnvelope('RATE_LIMITED', /5 per minute/));
      expect(limited.body.error.details).toEqual({ limit: 5, retryAfterSeconds: expect.any(Number) });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      // Another key has an allowance of its own.
      expect((await me(await createUser(t))).status).toBe(200);
    });

    it("gives a wrong secret for a known key id a bucket of its own, so it cannot use up the owner's", async () => {
      const owner = await createUser(t);
      const forged = { Authorization: `Bearer ${owner.key.slice(0, 'agis_'.length + 13)}${'x'.repeat(43)}` };
      for (let i = 0; i < 6; i++) {
        const res = await t.http().get('/api/v1/users/me').set(forged);
        expect(res.status).toBe(i < 5 ? 401 : 429);
        expect(res.headers['x-ratelimit-limit']).toBe('5');
      }
      expect((await me(owner)).status).toBe(200);
    });

    it('limits creations more tightly', async () => {
      const u = await createUser(t);
      const create = () =>
        t
          .http()
          .post('/api/v1/auth/keys')
          .set(u.auth)
          .send({ name: 'k', scopes: ['profile:read'] });
      const first = await create();
      expect(first.status).toBe(201);
      expect(first.headers['x-ratelimit-limit']).toBe('2');
      expect(first.headers['x-ratelimit-remaining']).toBe('1');
      expect((await create()).status).toBe(201);
      const third = await create();
      expect(third.status).toBe(429);
      expect(third.body).toEqual(errorEnvelope('RATE_LIMITED', /2 per minute allowed for creations/));
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1', [u.userId]);
      expect(count).toBe(3);
      // Reading is still allowed: the general allowance has room left.
      expect((await me(u)).status).toBe(200);
    });

    it('counts requests without a key by client address, and leaves probes alone', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await t.http().get('/api/v1/games')).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      for (let i = 0; i < 8; i++) {
        const probe = await t.http().get('/healthz');
        expect(probe.status).toBe(200);
        expect(probe.headers['x-ratelimit-limit']).toBeUndefined();
      }
    });
  });

  describe('shared through Redis (REDIS_URL)', () => {
    const env = { ...LIMITS, REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_REDIS_PREFIX: `agis-test:${randomBytes(6).toString('hex')}:` };
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      a = await createTestApp(env);
      b = await createTestApp(env, { databaseUrl: a.databaseUrl });
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('enforces one combined limit across two instances', async () => {
      const u = await createUser(a);
      const statuses: number[] = [];
      const remaining: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await (i % 2 === 0 ? a : b).http().get('/api/v1/users/me').set(u.auth);
        statuses.push(res.status);
        remaining.push(res.headers['x-ratelimit-remaining']);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect(remaining).toEqual(['4', '3', '2', '1', '0', '0', '0', '0']);
    });

    it('shares the tighter creation limit too', async () => {
      const u = await createUser(a);
      const create = (t: TestApp) =>
        t
          .http()
          .post('/api/v1/auth/keys')
          .set(u.auth)
          .send({ name: 'k', scopes: ['profile:read'] });
      expect((await create(a)).status).toBe(201);
      expect((await create(b)).status).toBe(201);
      expect((await create(a)).status).toBe(429);
      expect((await create(b)).status).toBe(429);
    });
  });

  describe('when Redis is unreachable', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('keeps answering and limits per instance in memory', async () => {
      const u = await createUser(t);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await t.http().get('/api/v1/users/me').set(u.auth)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });
  });
});

describe('HTTP hardening headers', () => {
  let t: TestApp;
  let cors: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    cors = await createTestApp({ CORS_ORIGINS: 'https://panel.example.com' }, { databaseUrl: t.databaseUrl });
  });
  afterAll(async () => {
    await cors.close();
    await t.close();
  });

  it("sends helmet's headers with a CSP that only allows this origin, and no X-Powered-By", async () => {
    const res = await t.http().get('/api/v1/games');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers no cross-origin request unless CORS_ORIGINS lists the origin', async () => {
    const off = await t.http().options('/api/v1/users/me').set('Origin', 'https://panel.example.com').set('Access-Control-Request-Method', 'GET');
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await cors
      .http()
      .options('/api/v1/users/me')
      .set('Origin', 'https://panel.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://panel.example.com');
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
    const other = await cors.http().get('/api/v1/games').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await cors.http().get('/api/v1/games').set('Origin', 'https://panel.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://panel.example.com');
    expect(allowed.headers['access-control-expose-headers']).toContain('X-RateLimit-Remaining');
  });
});
