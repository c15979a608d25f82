import { createTestApp, type TestApp } from '../support/test-app';
import { errorEnvelope } from '../support/factories';

/** AGIS_ROLES decides what a process serves over HTTP (issue 13, item 3). */
describe('HTTP surface by role', () => {
  describe.each([['scheduler'], ['bot']])('a process with AGIS_ROLES=%s (no api role)', (roles) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ AGIS_ROLES: roles });
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers probes and metrics', async () => {
      expect((await t.http().get('/healthz')).status).toBe(200);
      expect((await t.http().get('/readyz')).status).toBe(200);
      const metrics = await t.http().get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('http_requests_total');
    });

    it.each([
      ['GET', '/api/v1/games'],
      ['GET', '/api/v1/servers'],
      ['POST', '/api/v1/servers'],
      ['GET', '/api/v1/users/me'],
      ['GET', '/api/docs'],
      ['GET', '/api/docs-json'],
      ['POST', '/api/v1/rewards/offerwall/callback'],
      ['GET', '/'],
    ])('refuses %s %s with the 404 envelope', async (method, path) => {
      const res = await t.http()[method.toLowerCase() as 'get' | 'post'](path).set('Authorization', 'Bearer agis_aaaaaaaaaaaa_x');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorEnvelope('ROUTE_NOT_FOUND', /without the api role/));
    });
  });

  describe('a process with the api role', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ AGIS_ROLES: 'api' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('serves the REST API, its docs and the probes', async () => {
      expect((await t.http().get('/api/v1/games')).status).toBe(200);
      expect((await t.http().get('/api/v1/servers')).status).toBe(401);
      expect((await t.http().get('/api/docs-json')).status).toBe(200);
      expect((await t.http().get('/api/docs')).status).toBe(200);
      expect((await t.http().get('/healthz')).status).toBe(200);
      expect((await t.http().get('/metrics')).status).toBe(200);
    });
  });
});
