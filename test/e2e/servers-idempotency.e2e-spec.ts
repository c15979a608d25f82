import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { balanceOf, expectCredits } from '../support/ledger-checks';

describe('game servers: Idempotency-Key on POST', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (u: TestUser, path: string, key: string, body: object = {}) =>
    t.http().post(`/api/v1${path}`).set(u.auth).set('Idempotency-Key', key).send(body);
  const serverCount = async (u: TestUser) =>
    (await t.db.query('SELECT count(*)::int AS n FROM servers WHERE owner_id = $1', [u.userId]))[0].n as number;

  it('replays a create with the same key and body: one server, one charge, the same response', async () => {
    const u = await createUser(t, { credits: 100 });
    const first = await post(u, '/servers', 'create-1', { name: 'once', gameType: 'minecraft' });
    const second = await post(u, '/servers', 'create-1', { name: 'once', gameType: 'minecraft' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await serverCount(u)).toBe(1);
    await expectCredits(t, u.userId, 70);
  });

  it('refuses the same key with another body with 422 and creates nothing', async () => {
    const u = await createUser(t, { credits: 100 });
    expect((await post(u, '/servers', 'create-2', { name: 'first', gameType: 'minecraft' })).status).toBe(201);
    const other = await post(u, '/servers', 'create-2', { name: 'second', gameType: 'minecraft' });
    expect(other.status).toBe(422);
    expect(other.body).toEqual(errorEnvelope('IDEMPOTENCY_MISMATCH'));
    expect(await serverCount(u)).toBe(1);
    expect(await balanceOf(t, u.userId)).toBe(70);
  });

  it('creates and charges once when the same request races itself', async () => {
    const u = await createUser(t, { credits: 100 });
    const results = await Promise.all(Array.from({ length: 6 }, () => post(u, '/servers', 'create-3', { name: 'racer', gameType: 'minecraft' })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.data.id)).size).toBe(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    expect(await serverCount(u)).toBe(1);
    expect(await balanceOf(t, u.userId)).toBe(70);
  });

  it('replays a start instead of refusing it as a second start, and charges once', async () => {
    const u = await createUser(t, { credits: 100 });
    const { id } = (await t.http().post('/api/v1/servers').set(u.auth).send({ name: 'later', gameType: 'minecraft', start: false })).body.data;
    const first = await post(u, `/servers/${id}/start`, 'start-1');
    const again = await post(u, `/servers/${id}/start`, 'start-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(t, u.userId)).toBe(70);
    const fresh = await post(u, `/servers/${id}/start`, 'start-2');
    expect(fresh.status).toBe(409);
  });

  it('lets a key be retried after a refusal once the cause is fixed', async () => {
    const u = await createUser(t, { credits: 10 });
    const poor = await post(u, '/servers', 'create-4', { name: 'saved', gameType: 'minecraft' });
    expect(poor.status).toBe(422);
    expect(poor.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS'));
    const { CreditsService } = await import('../../src/credits/credits.service');
    await t.app.get(CreditsService).grant(u.userId, 20, 'test_grant');
    const retried = await post(u, '/servers', 'create-4', { name: 'saved', gameType: 'minecraft' });
    expect(retried.status).toBe(201);
    expect(await balanceOf(t, u.userId)).toBe(0);
  });
});
