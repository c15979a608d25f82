import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';
import { expectCredits } from '../support/ledger-checks';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { pollUntil } from '../support/poll';

const MINECRAFT_HOUR = 30;

describe('game servers under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20', DATABASE_POOL_SIZE: '20' });
  });
  afterAll(async () => {
    await t.close();
  });

  const expectSettled = async (u: TestUser, credits: number) => {
    await expectCredits(t, u.userId, credits);
    // Each row's balance_after is the previous one plus its amount: no spend was computed from a stale balance.
    const broken = await t.db.query(
      `
      SELECT id FROM (SELECT id, balance_after, amount, lag(balance_after, 1, 0) OVER (ORDER BY id) AS before
                      FROM credit_transactions WHERE user_id = $1) r
      WHERE balance_after <> before + amount`,
      [u.userId],
    );
    expect(broken).toEqual([]);
  };
  const statuses = (results: Array<{ status: number }>) =>
    results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

  it('lets exactly N of 10×N parallel creates through when the balance pays for N hours', async () => {
    const N = 3;
    const u = await createUser(t, { credits: N * MINECRAFT_HOUR });
    const results = await Promise.all(Array.from({ length: 10 * N }, (_, i) => createServer(t, u, { name: `rush-${i}`, gameType: 'minecraft' })));
    expect(statuses(results)).toEqual({ 201: N, 422: 9 * N });
    expect(results.filter((r) => r.status === 422).every((r) => r.body.error.code === 'INSUFFICIENT_CREDITS')).toBe(true);
    await expectSettled(u, 0);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM servers WHERE owner_id = $1', [u.userId]);
    expect(count).toBe(N);
  });

  it('lets exactly N of 10×N parallel starts through when the balance pays for N hours', async () => {
    const N = 2;
    const u = await createUser(t, { credits: N * MINECRAFT_HOUR });
    const ids: string[] = [];
    for (let i = 0; i < 10 * N; i++) {
      ids.push((await createServer(t, u, { name: `idle-${i}`, gameType: 'minecraft', start: false })).body.data.id);
    }
    const results = await Promise.all(ids.map((id) => t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)));
    expect(statuses(results)).toEqual({ 202: N, 422: 9 * N });
    await expectSettled(u, 0);
    const started = await t.db.query(`SELECT id FROM servers WHERE owner_id = $1 AND status <> 'stopped'`, [u.userId]);
    expect(started).toHaveLength(N);
  });

  it('starts one server once when ten starts race, charging one hour', async () => {
    const u = await createUser(t, { credits: 1000 });
    const { id } = (await createServer(t, u, { name: 'contended', gameType: 'minecraft', start: false })).body.data;
    const results = await Promise.all(Array.from({ length: 10 }, () => t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)));
    expect(statuses(results)).toEqual({ 202: 1, 409: 9 });
    await expectSettled(u, 1000 - MINECRAFT_HOUR);
  });

  it('ends in one consistent state when stop, restart and delete race on a running server', async () => {
    const u = await createUser(t, { credits: 1000 });
    const { id } = (await createServer(t, u, { name: 'chaos', gameType: 'minecraft' })).body.data;
    await pollUntil(async () => (await serverRow(t, id))?.status === 'running', { what: 'running' });
    const results = await Promise.all([
      t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth),
      t.http().post(`/api/v1/servers/${id}/restart`).set(u.auth),
      t.http().delete(`/api/v1/servers/${id}`).set(u.auth),
      t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth),
    ]);
    expect(results.every((r) => [200, 202, 404, 409].includes(r.status))).toBe(true);
    expect(results.some((r) => r.status === 200)).toBe(true);
    await pollUntil(async () => (await serverRow(t, id)) === undefined, { what: 'the record to be gone' });
    const { AgonesClient } = await import('../../src/agones/agones.client');
    await pollUntil(async () => (await t.app.get(AgonesClient).list()).every((g) => g.serverId !== id), { what: 'no GameServer left for it' });
    await expectSettled(u, 1000 - MINECRAFT_HOUR);
  });

  it('bills an hour once when two replicas tick at the same moment', async () => {
    const replica = await createTestApp({ AGIS_ROLES: 'api', AGONES_MODE: 'local' }, { databaseUrl: t.databaseUrl });
    try {
      const users: TestUser[] = [];
      for (let i = 0; i < 6; i++) {
        const u = await createUser(t, { credits: 1000 });
        const id = (await createServer(t, u, { name: 'shared', gameType: 'minecraft' })).body.data.id as string;
        // Only running servers are billed: a start still booting pays nothing more.
        await waitForStatus(t, u, id, 'running');
        users.push(u);
      }
      await t.db.query(`UPDATE servers SET billed_until = now() - interval '90 minutes' WHERE owner_id = ANY($1)`, [users.map((u) => u.userId)]);
      const runs = await Promise.all([t.app.get(ServerBillingService).runOnce(), replica.app.get(ServerBillingService).runOnce()]);
      expect(runs[0].charged + runs[1].charged).toBe(users.length * 2);
      for (const u of users) {
        await expectSettled(u, 1000 - 3 * MINECRAFT_HOUR);
      }
    } finally {
      await replica.close();
    }
  });
});
