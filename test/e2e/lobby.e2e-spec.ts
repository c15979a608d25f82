import { LOBBY_DESCRIPTION_MAX } from '../../src/servers/servers.types';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectLedgerConsistent } from '../support/ledger-checks';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { createTestApp, type TestApp } from '../support/test-app';

describe('lobby: PATCH /api/v1/servers/:id {public, description} and GET /api/v1/lobby (LocalAgones)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '10' });
  });
  afterAll(async () => {
    await t.close();
  });

  const list = (u: TestUser, id: string, body: Record<string, unknown>) => t.http().patch(`/api/v1/servers/${id}`).set(u.auth).send(body);
  const lobby = async (query = '') => {
    const res = await t.http().get(`/api/v1/lobby${query}`);
    expect(res.status).toBe(200);
    return res.body as { data: Array<Record<string, unknown>>; meta: { total: number } };
  };
  const names = async (query = '') => (await lobby(query)).data.map((e) => e.name);
  const running = async (u: TestUser, name: string, gameType = 'minecraft') => {
    const id = (await createServer(t, u, { name, gameType })).body.data.id as string;
    await waitForStatus(t, u, id, 'running');
    return id;
  };

  describe('auth and validation', () => {
    let owner: TestUser;
    let stopped: string;
    beforeAll(async () => {
      owner = await createUser(t, { credits: 500, username: 'olga' });
      stopped = (await createServer(t, owner, { name: 'idle', gameType: 'minecraft', start: false })).body.data.id as string;
    });

    it('PATCH needs a key with servers:write; GET /lobby needs none', async () => {
      expect((await t.http().patch(`/api/v1/servers/${stopped}`).send({ public: false })).status).toBe(401);
      const reader = await createUser(t, { scopes: ['servers:read'] });
      expect((await list(reader, stopped, { public: false })).status).toBe(403);
      expect((await t.http().get('/api/v1/lobby')).status).toBe(200);
    });

    it('refuses a body without a boolean public, a null or too long description, and changes nothing', async () => {
      for (const body of [
        {},
        { public: 'yes' },
        { public: null },
        { public: true, description: null },
        { public: true, description: 'x'.repeat(LOBBY_DESCRIPTION_MAX + 1) },
      ]) {
        const res = await list(owner, stopped, body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      }
      expect(await serverRow(t, stopped)).toMatchObject({ public: false, description: null });
    });

    it("answers 404 for someone else's server or a malformed id, as for any server route", async () => {
      const stranger = await createUser(t);
      expect((await list(stranger, stopped, { public: true })).body).toEqual(errorEnvelope('SERVER_NOT_FOUND'));
      expect((await list(owner, 'not-a-uuid', { public: true })).status).toBe(404);
      expect(await serverRow(t, stopped)).toMatchObject({ public: false });
    });

    it('refuses to list a server that is not running with 409 and says why', async () => {
      const res = await list(owner, stopped, { public: true, description: 'come play' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(errorEnvelope('INVALID_TRANSITION', 'Only a running server can be listed in the lobby; idle is stopped'));
      expect(res.body.error.details).toMatchObject({ status: 'stopped', allowedFrom: ['running'] });
      expect(await serverRow(t, stopped)).toMatchObject({ public: false, description: null });
    });

    it('GET /lobby refuses an unknown game and a page out of range', async () => {
      expect((await t.http().get('/api/v1/lobby?gameType=nope')).body).toEqual(errorEnvelope('VALIDATION_FAILED', /Unknown game type "nope"/));
      expect((await t.http().get('/api/v1/lobby?perPage=0')).status).toBe(400);
      expect((await t.http().get('/api/v1/lobby?perPage=101')).status).toBe(400);
    });
  });

  describe('behaviour', () => {
    it('lists a running server with its address, ports, description and owner name, and nothing private', async () => {
      const owner = await createUser(t, { credits: 500, username: 'alice' });
      const id = await running(owner, 'survival');
      const res = await list(owner, id, { public: true, description: '  Vanilla survival, <b>friendly</b>  ' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        id,
        name: 'survival',
        status: 'running',
        public: true,
        description: 'Vanilla survival, <b>friendly</b>',
      });

      const page = await lobby();
      const entry = page.data.find((e) => e.name === 'survival')!;
      const row = await serverRow(t, id);
      expect(entry).toEqual({
        name: 'survival',
        gameType: 'minecraft',
        description: 'Vanilla survival, <b>friendly</b>',
        address: row!.address,
        port: row!.port,
        ports: row!.ports,
        players: row!.players_online === null ? null : { online: row!.players_online, max: row!.players_max },
        owner: { username: 'alice' },
      });
      expect(entry.address).toEqual(expect.any(String));
      await expectLedgerConsistent(t, owner.userId);
    });

    it('filters by game and pages with the shared page query', async () => {
      const owner = await createUser(t, { credits: 1000, username: 'bob' });
      const a = await running(owner, 'page-a');
      const b = await running(owner, 'page-b');
      const other = await running(owner, 'other-game', 'terraria');
      for (const id of [a, b, other]) {
        expect((await list(owner, id, { public: true })).status).toBe(200);
      }
      expect(await names('?gameType=terraria')).toEqual(['other-game']);
      expect(await names('?gameType=minecraft')).toEqual(expect.arrayContaining(['page-a', 'page-b']));
      expect(await names('?gameType=minecraft')).not.toContain('other-game');
      const first = await lobby('?perPage=1&page=1');
      expect(first.data).toHaveLength(1);
      expect(first.meta.total).toBe((await lobby()).data.length);
      expect((await lobby(`?perPage=1&page=${first.meta.total + 1}`)).data).toEqual([]);
    });

    it('public: false takes a server out and clears its description', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await running(owner, 'shy');
      await list(owner, id, { public: true, description: 'briefly' });
      expect(await names()).toContain('shy');
      const res = await list(owner, id, { public: false });
      expect(res.body.data).toMatchObject({ public: false, description: null });
      expect(await names()).not.toContain('shy');
    });

    it('a stopped server leaves the lobby by itself and does not come back when started again', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await running(owner, 'napper');
      await list(owner, id, { public: true, description: 'until bedtime' });
      expect(await names()).toContain('napper');
      expect((await t.http().post(`/api/v1/servers/${id}/stop`).set(owner.auth)).status).toBe(202);
      expect(await names()).not.toContain('napper');
      await waitForStatus(t, owner, id, 'stopped');
      expect(await serverRow(t, id)).toMatchObject({ public: false });
      expect((await t.http().post(`/api/v1/servers/${id}/start`).set(owner.auth)).status).toBe(202);
      await waitForStatus(t, owner, id, 'running');
      expect(await names()).not.toContain('napper');
      await expectLedgerConsistent(t, owner.userId);
    });

    it('a deleted server leaves the lobby', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await running(owner, 'doomed');
      await list(owner, id, { public: true });
      expect(await names()).toContain('doomed');
      expect((await t.http().delete(`/api/v1/servers/${id}`).set(owner.auth)).status).toBe(200);
      expect(await names()).not.toContain('doomed');
    });
  });
});
