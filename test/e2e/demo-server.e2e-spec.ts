import { DemoSeedService, DEMO_GRANT_GC } from '../../src/demo/demo-seed.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { ledgerSum } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';

describe('first run: the demo user can rent a server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds a demo key with credits that can create a server and see it reach running', async () => {
    const key = await t.app.get(DemoSeedService).seedIfEmpty();
    expect(key).toMatch(/^agis_/);
    const auth = { Authorization: `Bearer ${key}` };
    const me = await t.http().get('/api/v1/users/me').set(auth);
    expect(me.body.data.credits).toBe(DEMO_GRANT_GC);
    const created = await t.http().post('/api/v1/servers').set(auth).send({ name: 'my first server', gameType: 'minecraft' });
    expect(created.status).toBe(201);
    const running = await pollUntil(
      async () => {
        const res = await t.http().get(`/api/v1/servers/${created.body.data.id}`).set(auth);
        return res.body.data.status === 'running' ? res.body.data : undefined;
      },
      { what: 'the demo server to run' },
    );
    expect(running.address).toBeTruthy();
    const after = (await t.http().get('/api/v1/users/me').set(auth)).body.data.credits;
    expect(after).toBe(DEMO_GRANT_GC - 30);
    const [{ id }] = await t.db.query(`SELECT id FROM users WHERE username = 'demo'`);
    expect(await ledgerSum(t, id)).toBe(after);
    expect(await t.app.get(DemoSeedService).seedIfEmpty()).toBeUndefined();
  });
});
