import { createTestApp, TestApp } from './support/test-app';
import { createUser, errorEnvelope } from './support/factories';

describe('HTTP contract', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  it('answers an unknown route with 404 in the envelope', async () => {
    const res = await t.http().get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope('ROUTE_NOT_FOUND', 'No route for GET /api/v1/nope'));
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
    const res = await t.http().post('/api/v1/auth/keys').set(u.auth).send({ name: 'x'.repeat(200_000), scopes: ['servers:read'] });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorEnvelope('PAYLOAD_TOO_LARGE'));
  });

  it('coerces and bounds pagination query parameters', async () => {
    const u = await createUser(t);
    expect((await t.http().get('/api/v1/auth/keys?page=2&perPage=1').set(u.auth)).body.meta).toEqual({ page: 2, perPage: 1, total: 1, totalPages: 1 });
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
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/users/me', '/api/v1/auth/keys', '/api/v1/auth/keys/{id}', '/healthz', '/readyz']));
    expect(Object.keys(doc.paths).some((p) => p.includes('metrics'))).toBe(false);
    const me = doc.paths['/api/v1/users/me'].get;
    expect(me.operationId).toBe('getProfile');
    expect(Object.keys(me.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.ErrorEnvelope).toBeDefined();
    expect(doc.components.schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'scopes']));
  });
});
