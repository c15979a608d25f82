import { AgonesClient } from '../../src/agones/agones.client';
import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { ServerReconcilerService } from '../../src/servers/lifecycle/server-reconciler.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { balanceOf, expectLedgerConsistent } from '../support/ledger-checks';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { pollUntil } from '../support/poll';

const HOUR = 3_600_000;

describe('game servers (LocalAgones)', () => {
  let t: TestApp;
  let agones: AgonesClient;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20' });
    agones = t.app.get(AgonesClient);
  });
  afterAll(async () => {
    await t.close();
  });

  const expectLedgerBalanced = (u: TestUser) => expectLedgerConsistent(t, u.userId);
  const gameServersOf = async (serverId: string) => (await agones.list()).filter((g) => g.serverId === serverId);

  describe('GET /games', () => {
    it('lists the 14 game types with their hourly cost, without a key', async () => {
      const res = await t.http().get('/api/v1/games');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(14);
      expect(res.body.data).toContainEqual(
        expect.objectContaining({
          key: 'valheim',
          name: 'Valheim',
          hourlyCost: 120,
          resources: { cpu: '2000m', memory: '4Gi' },
          ports: expect.arrayContaining([{ name: 'game', containerPort: 2456, protocol: 'UDP' }]),
        }),
      );
    });
  });

  describe('auth and validation', () => {
    it('needs a key, and the scope of each action', async () => {
      expect((await t.http().get('/api/v1/servers')).status).toBe(401);
      const reader = await createUser(t, { scopes: ['servers:read'], credits: 100 });
      const create = await createServer(t, reader, { name: 'x', gameType: 'minecraft' });
      expect(create.status).toBe(403);
      expect(create.body).toEqual(errorEnvelope('FORBIDDEN', /servers:write/));
      const writer = await createUser(t, { scopes: ['servers:read', 'servers:write'], credits: 100 });
      const made = await createServer(t, writer, { name: 'x', gameType: 'minecraft', start: false });
      expect(made.status).toBe(201);
      const start = await t.http().post(`/api/v1/servers/${made.body.data.id}/start`).set(writer.auth);
      expect(start.status).toBe(403);
      expect(start.body).toEqual(errorEnvelope('FORBIDDEN', /servers:power/));
      expect(await balanceOf(t, writer.userId)).toBe(100);
    });

    it.each([
      ['an empty name', { name: '', gameType: 'minecraft' }, 'name'],
      ['an overlong name', { name: 'x'.repeat(33), gameType: 'minecraft' }, 'name'],
      ['a name with odd characters', { name: 'my<server>', gameType: 'minecraft' }, 'name'],
      ['a missing game type', { name: 'ok' }, 'gameType'],
      ['an unknown field', { name: 'ok', gameType: 'minecraft', size: 'xl' }, 'size'],
    ])('refuses %s with 400 and field details', async (_label, body, field) => {
      const u = await createUser(t, { credits: 100 });
      const res = await createServer(t, u, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await balanceOf(t, u.userId)).toBe(100);
    });

    it('refuses an unknown game type with 400 naming the known ones, and charges nothing', async () => {
      const u = await createUser(t, { credits: 100 });
      const res = await createServer(t, u, { name: 'ok', gameType: 'tetris' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /Unknown game type "tetris".*minecraft/));
      expect((await t.http().get('/api/v1/servers').set(u.auth)).body.meta.total).toBe(0);
      expect(await balanceOf(t, u.userId)).toBe(100);
    });

    it('refuses a duplicate name (whatever its case) with 409', async () => {
      const u = await createUser(t, { credits: 100 });
      expect((await createServer(t, u, { name: 'Survival', gameType: 'minecraft', start: false })).status).toBe(201);
      const res = await createServer(t, u, { name: 'survival', gameType: 'terraria', start: false });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(errorEnvelope('CONFLICT', /already have a server named "survival"/));
      const other = await createUser(t, { credits: 100 });
      expect((await createServer(t, other, { name: 'survival', gameType: 'minecraft', start: false })).status).toBe(201);
    });

    it("answers 404 for a non-uuid id and for another user's server, on every route", async () => {
      const owner = await createUser(t, { credits: 100 });
      const stranger = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, owner, { name: 'mine', gameType: 'minecraft', start: false })).body.data;
      for (const target of ['not-a-uuid', id]) {
        const calls = [
          t.http().get(`/api/v1/servers/${target}`).set(stranger.auth),
          t.http().delete(`/api/v1/servers/${target}`).set(stranger.auth),
          ...['start', 'stop', 'restart'].map((a) => t.http().post(`/api/v1/servers/${target}/${a}`).set(stranger.auth)),
        ];
        for (const res of await Promise.all(calls)) {
          expect(res.status).toBe(404);
          expect(res.body).toEqual(errorEnvelope('SERVER_NOT_FOUND'));
        }
      }
      expect(await balanceOf(t, stranger.userId)).toBe(100);
      expect((await serverRow(t, id))?.status).toBe('stopped');
    });

    it('caps the number of servers per user', async () => {
      const { SERVERS_PER_USER_MAX } = await import('../../src/servers/servers.types');
      const u = await createUser(t);
      for (let i = 0; i < SERVERS_PER_USER_MAX; i++) {
        expect((await createServer(t, u, { name: `s${i}`, gameType: 'minecraft', start: false })).status).toBe(201);
      }
      const res = await createServer(t, u, { name: 'one too many', gameType: 'minecraft', start: false });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(errorEnvelope('LIMIT_REACHED'));
    });

    it('validates list filters', async () => {
      const u = await createUser(t);
      expect((await t.http().get('/api/v1/servers?status=sleeping').set(u.auth)).status).toBe(400);
      expect((await t.http().get('/api/v1/servers?gameType=tetris').set(u.auth)).body).toEqual(errorEnvelope('VALIDATION_FAILED', /tetris/));
      expect((await t.http().get('/api/v1/servers?perPage=500').set(u.auth)).status).toBe(400);
    });
  });

  describe('lifecycle', () => {
    it('creates, runs with an address, stops, starts again, restarts and deletes, with the balance right at each step', async () => {
      const u = await createUser(t, { credits: 100 });
      const created = await createServer(t, u, { name: 'survival', gameType: 'minecraft' });
      expect(created.status).toBe(201);
      expect(created.body.data).toEqual(expect.objectContaining({ name: 'survival', gameType: 'minecraft', costPerHour: 30 }));
      expect(['creating', 'starting']).toContain(created.body.data.status);
      const id = created.body.data.id as string;
      expect(await balanceOf(t, u.userId)).toBe(70);
      const billedUntil = new Date(created.body.data.billedUntil).getTime();
      expect(billedUntil).toBeGreaterThan(Date.now() + HOUR - 60_000);

      const running = await waitForStatus(t, u, id, 'running');
      expect(running).toEqual(expect.objectContaining({ address: '127.0.0.1', port: expect.any(Number) }));
      expect(await gameServersOf(id)).toHaveLength(1);

      const conflict = await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toEqual(errorEnvelope('INVALID_TRANSITION', 'Cannot start a server that is running'));

      const stopped = await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
      expect(stopped.status).toBe(202);
      expect(stopped.body.data).toEqual(
        expect.objectContaining({ id, status: 'stopped', targetStatus: 'stopped', address: null, port: null, stopReason: 'user' }),
      );
      expect(await gameServersOf(id)).toEqual([]);
      expect(await balanceOf(t, u.userId)).toBe(70);
      expect((await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth)).body).toEqual(errorEnvelope('INVALID_TRANSITION'));

      // Started again within the hour already paid: no second charge.
      const again = await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
      expect(again.status).toBe(202);
      expect(again.body.data).toEqual(expect.objectContaining({ status: 'starting', targetStatus: 'running' }));
      expect(new Date(again.body.data.billedUntil).getTime()).toBe(billedUntil);
      const first = await waitForStatus(t, u, id, 'running');
      expect(await balanceOf(t, u.userId)).toBe(70);

      const restarted = await t.http().post(`/api/v1/servers/${id}/restart`).set(u.auth);
      expect(restarted.status).toBe(202);
      expect(restarted.body.data).toEqual(expect.objectContaining({ status: 'starting', targetStatus: 'running' }));
      await waitForStatus(t, u, id, 'running');
      const [gs] = await gameServersOf(id);
      expect(await gameServersOf(id)).toHaveLength(1);
      expect(gs.port).toEqual((await serverRow(t, id))?.port);
      expect(first).toBeDefined();
      expect(await balanceOf(t, u.userId)).toBe(70);

      const deleted = await t.http().delete(`/api/v1/servers/${id}`).set(u.auth);
      expect(deleted.status).toBe(200);
      expect(deleted.body.data).toEqual({ id, deleted: true });
      expect((await t.http().get(`/api/v1/servers/${id}`).set(u.auth)).status).toBe(404);
      expect(await gameServersOf(id)).toEqual([]);
      expect(await balanceOf(t, u.userId)).toBe(70);
      await expectLedgerBalanced(u);
      const ledger = (await t.http().get('/api/v1/users/me/transactions').set(u.auth)).body.data;
      expect(ledger.map((r: { reason: string; amount: number }) => [r.reason, r.amount])).toEqual([
        ['server_hour', -30],
        ['test_grant', 100],
      ]);
    });

    it('creates without starting when asked, then charges the first hour on start', async () => {
      const u = await createUser(t, { credits: 50 });
      const created = await createServer(t, u, { name: 'later', gameType: 'terraria', start: false });
      expect(created.body.data).toEqual(expect.objectContaining({ status: 'stopped', billedUntil: null }));
      expect(await balanceOf(t, u.userId)).toBe(50);
      const started = await t.http().post(`/api/v1/servers/${created.body.data.id}/start`).set(u.auth);
      expect(started.status).toBe(202);
      expect(await balanceOf(t, u.userId)).toBe(15);
      await waitForStatus(t, u, created.body.data.id, 'running');
      await expectLedgerBalanced(u);
    });

    it('refuses to create or start what the balance cannot pay, leaving nothing behind', async () => {
      const u = await createUser(t, { credits: 100 });
      const res = await createServer(t, u, { name: 'big', gameType: 'rust' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS'));
      expect(res.body.error.details).toEqual({ required: 220, balance: 100 });
      expect((await t.http().get('/api/v1/servers').set(u.auth)).body.meta.total).toBe(0);
      const { id } = (await createServer(t, u, { name: 'big', gameType: 'rust', start: false })).body.data;
      const start = await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
      expect(start.status).toBe(422);
      expect((await serverRow(t, id))?.status).toBe('stopped');
      expect(await balanceOf(t, u.userId)).toBe(100);
      expect(await gameServersOf(id)).toEqual([]);
    });

    it('lists your servers with filters and pagination', async () => {
      const u = await createUser(t, { credits: 100 });
      await createServer(t, u, { name: 'a', gameType: 'minecraft', start: false });
      await createServer(t, u, { name: 'b', gameType: 'terraria', start: false });
      const c = (await createServer(t, u, { name: 'c', gameType: 'minecraft' })).body.data;
      await createServer(t, await createUser(t), { name: 'other', gameType: 'minecraft', start: false });
      const page = await t.http().get('/api/v1/servers?perPage=2').set(u.auth);
      expect(page.body.meta).toEqual({ page: 1, perPage: 2, total: 3, totalPages: 2 });
      expect(page.body.data.map((s: { name: string }) => s.name)).toEqual(['c', 'b']);
      const mc = await t.http().get('/api/v1/servers?gameType=minecraft&status=stopped').set(u.auth);
      expect(mc.body.data.map((s: { name: string }) => s.name)).toEqual(['a']);
      await waitForStatus(t, u, c.id, 'running');
      const running = await t.http().get('/api/v1/servers?status=running').set(u.auth);
      expect(running.body.data.map((s: { id: string }) => s.id)).toEqual([c.id]);
    });
  });

  describe('following the GameServer', () => {
    it('marks a running server stopped when its GameServer is deleted outside agis, without a refund', async () => {
      const u = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, u, { name: 'fragile', gameType: 'minecraft' })).body.data;
      await waitForStatus(t, u, id, 'running');
      const [gs] = await gameServersOf(id);
      await agones.delete(gs.name);
      const stopped = await waitForStatus(t, u, id, 'stopped');
      expect(stopped).toEqual(expect.objectContaining({ stopReason: 'gameserver_gone', lastError: expect.stringMatching(/shut down outside agis/) }));
      expect(await balanceOf(t, u.userId)).toBe(70);
    });

    it('reconciles: deletes GameServers nobody owns and ends records whose GameServer vanished', async () => {
      const u = await createUser(t, { credits: 100 });
      const orphan = await agones.create({
        serverId: '00000000-0000-4000-8000-00000000abcd',
        ownerId: u.userId,
        gameType: 'minecraft',
        image: 'x:1',
        ports: [{ name: 'game', containerPort: 25565, protocol: 'TCP' }],
        resources: { cpu: '1', memory: '1Gi' },
        env: {},
        dataPath: '/data',
        readiness: { check: 'tcp', port: 25565 },
      });
      const { id } = (await createServer(t, u, { name: 'ghost', gameType: 'minecraft', start: false })).body.data;
      // A record that claims to run on a GameServer that does not exist, last touched long ago.
      await t.db.query(
        `UPDATE servers SET status = 'running', gameserver_name = 'minecraft-gone', billed_until = now() + interval '1 hour',
        updated_at = now() - interval '1 hour' WHERE id = $1`,
        [id],
      );
      const run = await t.app.get(ServerReconcilerService).runOnce();
      expect(run.lost).toBeGreaterThanOrEqual(1);
      expect(await agones.get(orphan.name)).toBeNull();
      const row = await serverRow(t, id);
      expect(row).toEqual(
        expect.objectContaining({ status: 'stopped', stop_reason: 'gameserver_gone', last_error: expect.stringMatching(/disappeared/) }),
      );
    });
  });

  describe('billing tick', () => {
    const billing = () => t.app.get(ServerBillingService);

    it('charges each hour that has begun, once, and moves billed_until an hour per charge', async () => {
      const u = await createUser(t, { credits: 1000 });
      const { id } = (await createServer(t, u, { name: 'billed', gameType: 'minecraft' })).body.data;
      await waitForStatus(t, u, id, 'running');
      expect(await balanceOf(t, u.userId)).toBe(970);
      const paidUntil = Date.now() - 2.5 * HOUR;
      await t.db.query('UPDATE servers SET billed_until = $2 WHERE id = $1', [id, new Date(paidUntil)]);
      await billing().runOnce();
      expect(await balanceOf(t, u.userId)).toBe(970 - 3 * 30);
      expect(new Date((await serverRow(t, id))!.billed_until as Date).getTime()).toBe(paidUntil + 3 * HOUR);
      // A second tick (another replica, a retry) finds nothing due.
      await billing().runOnce();
      expect(await balanceOf(t, u.userId)).toBe(880);
      const hours = await t.db.query(`SELECT idempotency_key FROM credit_transactions WHERE reference = $1 AND idempotency_key LIKE 'bill:%'`, [id]);
      expect(hours).toHaveLength(3);
      await expectLedgerBalanced(u);
    });

    it('stops a server whose owner cannot pay the next hour', async () => {
      const u = await createUser(t, { credits: 45 });
      const { id } = (await createServer(t, u, { name: 'broke', gameType: 'minecraft' })).body.data;
      await waitForStatus(t, u, id, 'running');
      expect(await balanceOf(t, u.userId)).toBe(15);
      await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 second' WHERE id = $1`, [id]);
      const run = await billing().runOnce();
      expect(run.stopped).toBeGreaterThanOrEqual(1);
      const res = await t.http().get(`/api/v1/servers/${id}`).set(u.auth);
      expect(res.body.data).toEqual(expect.objectContaining({ status: 'stopped', stopReason: 'insufficient_credits', address: null }));
      expect(await gameServersOf(id)).toEqual([]);
      expect(await balanceOf(t, u.userId)).toBe(15);
      await expectLedgerBalanced(u);
    });
  });

  it('reports servers by game type and status in /metrics', async () => {
    const u = await createUser(t, { credits: 500 });
    const { id } = (await createServer(t, u, { name: 'gauged', gameType: 'factorio' })).body.data;
    await waitForStatus(t, u, id, 'running');
    const text = (await t.http().get('/metrics')).text;
    expect(text).toMatch(/agis_servers\{game_type="factorio",status="running"\} [1-9]/);
    expect(text).toMatch(/agis_servers\{game_type="ark",status="running"\} 0/);
    expect(text).toMatch(/agis_credit_transactions_total\{reason="server_hour"\} [1-9]/);
  });

  it('keeps every balance equal to the sum of its ledger rows', async () => {
    await pollUntil(async () => (await t.db.query(`SELECT 1 FROM servers WHERE status IN ('creating', 'stopping', 'deleting')`)).length === 0, {
      what: 'quiet servers',
    });
    const drift = await t.db.query(`
      SELECT u.id FROM users u LEFT JOIN credit_transactions c ON c.user_id = u.id
      GROUP BY u.id, u.credits HAVING u.credits <> coalesce(sum(c.amount), 0)`);
    expect(drift).toEqual([]);
  });
});
