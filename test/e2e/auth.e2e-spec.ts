import { DataSource } from 'typeorm';
import { hashSecret } from '../../src/auth/api-key-token';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';

describe('API keys (auth)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('authentication', () => {
    it('refuses a request without a key', async () => {
      const res = await t.http().get('/api/v1/users/me');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorEnvelope('UNAUTHENTICATED', /Missing API key/));
    });

    it.each([
      ['not bearer', 'Basic abc'],
      ['wrong prefix', 'Bearer sk_live_123'],
      ['short secret', 'Bearer agis_abcdefabcdef_short'],
    ])('refuses a malformed key (%s)', async (_label, header) => {
      const res = await t.http().get('/api/v1/users/me').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorEnvelope('UNAUTHENTICATED', /Malformed/));
    });

    it('refuses an unknown key and a key with a wrong secret', async () => {
      const u = await createUser(t);
      const unknown = `agis_zzzzzzzzzzzz_${'a'.repeat(43)}`;
      const wrongSecret = `${u.key.slice(0, 'agis_'.length + 13)}${'b'.repeat(43)}`;
      for (const key of [unknown, wrongSecret]) {
        const res = await t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`);
        expect(res.status).toBe(401);
        expect(res.body).toEqual(errorEnvelope('UNAUTHENTICATED', 'Unknown API key'));
      }
    });

    it('refuses a revoked key', async () => {
      const u = await createUser(t);
      const id = u.key.split('_')[1];
      expect((await t.http().delete(`/api/v1/auth/keys/${id}`).set(u.auth)).status).toBe(200);
      const res = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorEnvelope('UNAUTHENTICATED', /revoked/));
    });

    it('refuses an expired key', async () => {
      const u = await createUser(t);
      await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [u.key.split('_')[1]]);
      const res = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorEnvelope('UNAUTHENTICATED', /expired/));
    });

    it('refuses a key without the required scope with 403', async () => {
      const u = await createUser(t, { scopes: ['servers:read'] });
      const res = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /profile:read/));
    });

    it('accepts a valid key and records when it was last used', async () => {
      const u = await createUser(t);
      const res = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, data: expect.objectContaining({ discordId: u.discordId, credits: 0, tier: 'free' }) });
      const { ApiKeyTouchService } = await import('../../src/api-keys/api-key-touch.service');
      await t.app.get(ApiKeyTouchService).flush();
      const [row] = await t.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [u.key.split('_')[1]]);
      expect(row.last_used_at).not.toBeNull();
    });
  });

  describe('POST /auth/keys', () => {
    it('validates the body with field details', async () => {
      const u = await createUser(t);
      const res = await t
        .http()
        .post('/api/v1/auth/keys')
        .set(u.auth)
        .send({ name: 5, scopes: ['nope'], extra: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(['extra', 'name', 'scopes']);
    });

    it('shows the secret once and stores only its hash', async () => {
      const u = await createUser(t);
      const res = await t
        .http()
        .post('/api/v1/auth/keys')
        .set(u.auth)
        .send({ name: 'deploys', scopes: ['servers:read'], expiresInDays: 30 });
      expect(res.status).toBe(201);
      const { key, id, prefix, status, expiresAt } = res.body.data;
      expect(key).toMatch(/^agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(prefix).toBe(`agis_${id}`);
      expect(status).toBe('active');
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      const secret = key.slice(prefix.length + 1);
      const [row] = await t.app.get(DataSource).query('SELECT * FROM api_keys WHERE id = $1', [id]);
      expect(row.secret_hash).toBe(hashSecret(secret));
      expect(JSON.stringify(row)).not.toContain(secret);
      const used = await t.http().get('/api/v1/servers-not-a-route').set('Authorization', `Bearer ${key}`);
      expect(used.status).toBe(404);
      const list = await t.http().get('/api/v1/auth/keys').set(u.auth);
      expect(list.status).toBe(200);
      expect(list.body.meta).toEqual({ page: 1, perPage: 25, total: 2, totalPages: 1 });
      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(list.body.data.every((k: Record<string, unknown>) => !('key' in k) && !('secretHash' in k))).toBe(true);
    });

    it('never grants a scope the caller lacks', async () => {
      const u = await createUser(t, { scopes: ['keys:manage', 'servers:read'] });
      const res = await t
        .http()
        .post('/api/v1/auth/keys')
        .set(u.auth)
        .send({ name: 'x', scopes: ['servers:write'] });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /servers:write/));
      const admin = await t
        .http()
        .post('/api/v1/auth/keys')
        .set(u.auth)
        .send({ name: 'x', scopes: ['admin'] });
      expect(admin.status).toBe(403);
    });

    it('replays the first response for the same Idempotency-Key and refuses another body', async () => {
      const u = await createUser(t);
      const send = (body: object) => t.http().post('/api/v1/auth/keys').set(u.auth).set('Idempotency-Key', 'create-1').send(body);
      const first = await send({ name: 'once', scopes: ['servers:read'] });
      const second = await send({ name: 'once', scopes: ['servers:read'] });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      // The secret is shown once: the replay is the same key without it, and the store never held it.
      const { key: secret, ...rest } = first.body.data;
      expect(second.body).toEqual({ success: true, data: rest });
      const stored = await t.db.query(`SELECT response_body::text AS body FROM idempotency_keys WHERE user_id = $1`, [u.userId]);
      expect(stored.map((r: { body: string }) => r.body).join()).not.toContain(secret.split('_')[2]);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND name = 'once'`, [u.userId]);
      expect(count).toBe(1);
      const other = await send({ name: 'other', scopes: ['servers:read'] });
      expect(other.status).toBe(422);
      expect(other.body).toEqual(errorEnvelope('IDEMPOTENCY_MISMATCH'));
    });
  });

  describe('DELETE /auth/keys/:id', () => {
    it("cannot revoke another user's key (404) and leaves it working", async () => {
      const owner = await createUser(t);
      const other = await createUser(t);
      const res = await t
        .http()
        .delete(`/api/v1/auth/keys/${owner.key.split('_')[1]}`)
        .set(other.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorEnvelope('API_KEY_NOT_FOUND'));
      expect((await t.http().get('/api/v1/users/me').set(owner.auth)).status).toBe(200);
    });
  });
});
