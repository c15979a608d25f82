import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';
import { pollUntil } from '../support/poll';

describe('health, metrics and readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports liveness and readiness without a key', async () => {
    expect((await t.http().get('/healthz')).body).toEqual({ success: true, data: { status: 'ok' } });
    const ready = await t.http().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.data.status).toBe('ready');
  });

  it('exports process metrics and HTTP metrics by route template', async () => {
    const u = await createUser(t);
    await t.http().get('/api/v1/users/me').set(u.auth);
    await t.http().delete('/api/v1/auth/keys/doesnotexist1').set(u.auth);
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/users\/me",status="200"\} \d+/);
    expect(res.text).toMatch(/http_requests_total\{method="DELETE",route="\/api\/v1\/auth\/keys\/:id",status="404"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/users\/me",status="200"\}/);
    expect(res.text).not.toContain('doesnotexist1');
  });

  it('is not ready when pending migrations exist, and when the database is down', async () => {
    await t.db.query(`DELETE FROM migrations WHERE name = 'Foundation1764115200000'`);
    const pending = await t.http().get('/readyz');
    expect(pending.status).toBe(503);
    expect(pending.body).toEqual(errorEnvelope('UPSTREAM_UNAVAILABLE', /migrations are pending/));
    await t.db.query(`INSERT INTO migrations (timestamp, name) VALUES (1764115200000, 'Foundation1764115200000')`);
    expect((await t.http().get('/readyz')).status).toBe(200);

    // Terminate this database's connections and refuse new ones: the database is "down" for the app.
    const name = new URL(t.databaseUrl).pathname.slice(1);
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: t.databaseUrl.replace(`/${name}`, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      const down = await t.http().get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toEqual(errorEnvelope('UPSTREAM_UNAVAILABLE', 'Database is unreachable'));
      expect((await t.http().get('/healthz')).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const status = await pollUntil(
      async () => (await t.http().get('/readyz')).status,
      (s) => s === 200,
      { what: '/readyz to recover' },
    );
    expect(status).toBe(200);
  });
});
