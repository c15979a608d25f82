import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';

describe('HTTP contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown route with 404 in the envelope', async () => {
    const res = await t.http().get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope('ROUTE_NOT_FOUND', 'No route for GET /api/v1/nope'));
  });

  describe('methods', () => {
    it('answers a known path asked with another method with 405, an Allow header and the envelope', async () => {
      const u = await createUser(t);
      const put = await t.http().put('/api/v1/servers').set(u.auth).send({ name: 'x' });
      expect(put.status).toBe(405);
      expect(put.headers.allow).toBe('GET, HEAD, POST');
      expect(put.body).toEqual(errorEnvelope('METHOD_NOT_ALLOWED', 'PUT is not allowed on /api/v1/servers; allowed: GET, HEAD, POST'));
      expect(put.body.error.details).toEqual({ allow: ['GET', 'HEAD', 'POST'] });
      const trace = await t.http().trace('/healthz');
      expect(trace.status).toBe(405);
      expect(trace.headers.allow).toBe('GET, HEAD');
      const onParam = await t.http().delete('/api/v1/servers/00000000-0000-4000-8000-000000000000/start').set(u.auth);
      expect([onParam.status, onParam.headers.allow]).toEqual([405, 'POST']);
    });

    it('keeps 404 ROUTE_NOT_FOUND for a path no route has, whatever the method', async () => {
      for (const method of ['get', 'put', 'post'] as const) {
        const res = await t.http()[method]('/api/v1/servers/x/nope');
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorEnvelope('ROUTE_NOT_FOUND'));
        expect(res.headers.allow).toBeUndefined();
      }
    });

    it('lists in Allow exactly the methods the OpenAPI document has for each path (HEAD wherever GET is)', async () => {
      const doc = (await t.http().get('/api/docs-json')).body;
      const failures: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
        const documented = Object.keys(item)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => m.toUpperCase());
        const expected = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
        const other = ['PUT', 'PATCH', 'DELETE', 'POST'].find((m) => !documented.includes(m))!;
        const concrete = path.replace('{provider}', 'offerwall').replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await t.http()[other.toLowerCase() as 'put'](concrete);
        if (res.status !== 405 || res.headers.allow !== expected) {
          failures.push(`${other} ${path}: ${res.status} Allow=${res.headers.allow} (documented: ${expected})`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('still answers HEAD on a GET route', async () => {
      const res = await t.http().head('/healthz');
      expect(res.status).toBe(200);
    });
  });

  it('answers invalid JSON with 400 in the envelope', async () => {
    const u = await createUser(t);
    const res = await t.http().post('/api/v1/auth/keys').set(u.auth).set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', 'Request body is not valid JSON'));
  });

  it('rejects wrong types and unknown fields with field details', async () => {
    const u = await createUser(t);
    const res = await t.http().post('/api/v1/auth/keys').set(u.auth).send({ name: 'ok', scopes: 'servers:read', expiresInDays: '7', admin: true });
    expect(res.status).toBe(400);
    const byField = Object.fromEntries(res.body.error.details.map((d: { field: string; messages: string[] }) => [d.field, d.messages.join(' ')]));
    expect(Object.keys(byField).sort()).toEqual(['admin', 'expiresInDays', 'scopes']);
    expect(byField.admin).toMatch(/should not exist/);
    expect(byField.expiresInDays).toMatch(/integer/);
  });

  it('rejects a body that is not an object', async () => {
    const u = await createUser(t);
    const res = await t.http().post('/api/v1/auth/keys').set(u.auth).set('Content-Type', 'application/json').send('[1,2]');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it('refuses a body over the size limit with 413', async () => {
    const u = await createUser(t);
    const res = await t
      .http()
      .post('/api/v1/auth/keys')
      .set(u.auth)
      .send({ name: 'x'.repeat(200_000), scopes: ['servers:read'] });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorEnvelope('PAYLOAD_TOO_LARGE'));
  });

  it('coerces and bounds pagination query parameters', async () => {
    const u = await createUser(t);
    expect((await t.http().get('/api/v1/auth/keys?page=2&perPage=1').set(u.auth)).body.meta).toEqual({
      page: 2,
      perPage: 1,
      total: 1,
      totalPages: 1,
    });
    const tooMany = await t.http().get('/api/v1/auth/keys?perPage=101').set(u.auth);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].field).toBe('perPage');
    expect((await t.http().get('/api/v1/auth/keys?page=abc').set(u.auth)).status).toBe(400);
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().get('/healthz').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.http().get('/healthz');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document with bearer auth, error responses, and without /metrics', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/users/me', '/api/v1/auth/keys', '/api/v1/auth/keys/{id}', '/healthz', '/readyz']),
    );
    expect(Object.keys(doc.paths).some((p) => p.includes('metrics'))).toBe(false);
    const me = doc.paths['/api/v1/users/me'].get;
    expect(me.operationId).toBe('getProfile');
    expect(Object.keys(me.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.ErrorEnvelope).toBeDefined();
    expect(doc.components.schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'scopes']));
  });
});
