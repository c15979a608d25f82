import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { createTestApp, type TestApp } from '../support/test-app';

describe('staff tools over REST (/admin/servers, /admin/users)', () => {
  let t: TestApp;
  let staff: TestUser;
  let member: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20' });
    staff = await createUser(t, { scopes: ['admin'], username: 'moderator' });
    member = await createUser(t, { credits: 1000 });
  });
  afterAll(async () => {
    await t.close();
  });

  const runningServer = async (owner: TestUser, name: string): Promise<string> => {
    const res = await createServer(t, owner, { name, gameType: 'minecraft' });
    expect(res.status).toBe(201);
    await waitForStatus(t, owner, res.body.data.id, 'running');
    return res.body.data.id as string;
  };
  const staffActivity = async () => (await t.http().get(`/api/v1/admin/users/${staff.userId}/activity`).set(staff.auth)).body.data;
  type Notice = { payload: { staff: { action: string; reason: string; serverName: string } }; dm_status: string };
  const noticesOf = async (userId: string): Promise<Notice[]> => {
    const rows: Notice[] = await t.db.query(`SELECT payload, dm_status FROM user_events WHERE user_id = $1 AND event = 'staff.notice' ORDER BY id`, [
      userId,
    ]);
    return rows;
  };

  describe('authorization', () => {
    it.each([
      ['get', '/api/v1/admin/servers'],
      ['get', '/api/v1/admin/users'],
      ['post', '/api/v1/admin/servers/00000000-0000-4000-8000-000000000000/stop'],
      ['post', '/api/v1/admin/servers/00000000-0000-4000-8000-000000000000/deletion'],
      ['post', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/credits'],
      ['post', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/suspension'],
      ['delete', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/suspension'],
      ['get', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/activity'],
    ] as const)('%s %s refuses a member without the admin scope (403) and changes nothing', async (method, path) => {
      const res = await t.http()[method](path).set(member.auth).send({ amount: 5, reason: 'x' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /admin/));
      expect((await t.http()[method](path)).status).toBe(401);
    });
  });

  describe('search', () => {
    it("lists every user's servers and finds them by name part, id or owner", async () => {
      const other = await createUser(t, { credits: 500 });
      const created = await createServer(t, other, { name: 'Needle_x1', gameType: 'minecraft', start: false });
      const id = created.body.data.id as string;
      const byName = await t.http().get('/api/v1/admin/servers').query({ search: 'DLE_X' }).set(staff.auth);
      expect(byName.status).toBe(200);
      expect(byName.body.data).toEqual([expect.objectContaining({ id, name: 'Needle_x1', ownerId: other.userId })]);
      // LIKE wildcards in the search are plain characters: "%" matches only names with a "%" (none can have one).
      const wild = await t.http().get('/api/v1/admin/servers').query({ search: '%' }).set(staff.auth);
      expect(wild.body.data).toEqual([]);
      const byOwner = await t.http().get('/api/v1/admin/servers').query({ search: other.userId }).set(staff.auth);
      expect(byOwner.body.data.map((s: { id: string }) => s.id)).toEqual([id]);
      expect(byOwner.body.meta).toMatchObject({ total: 1, page: 1 });
    });

    it('finds users by name part or Discord id, with their balance and suspension', async () => {
      const found = await t.http().get('/api/v1/admin/users').query({ search: member.discordId }).set(staff.auth);
      expect(found.status).toBe(200);
      expect(found.body.data).toEqual([
        expect.objectContaining({ id: member.userId, discordId: member.discordId, credits: 1000, suspendedAt: null, suspendedReason: null }),
      ]);
      const byName = await t.http().get('/api/v1/admin/users').query({ search: 'MODERAT', perPage: 5 }).set(staff.auth);
      expect(byName.body.data.map((u: { id: string }) => u.id)).toEqual([staff.userId]);
      expect(
        (
          await t
            .http()
            .get('/api/v1/admin/users')
            .query({ search: 'x'.repeat(101) })
            .set(staff.auth)
        ).status,
      ).toBe(400);
    });
  });

  describe('stop and delete', () => {
    it('stops any server with a reason: the owner is told, the staff activity log keeps it, a second stop is 409', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await runningServer(owner, 'loud');
      const res = await t.http().post(`/api/v1/admin/servers/${id}/stop`).set(staff.auth).send({ reason: 'Crypto mining' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id, targetStatus: 'stopped', stopReason: 'staff' });
      await waitForStatus(t, owner, id, 'stopped');
      expect(await noticesOf(owner.userId)).toEqual([
        { payload: { staff: expect.objectContaining({ action: 'server.stop', reason: 'Crypto mining', serverName: 'loud' }) }, dm_status: 'pending' },
      ]);
      expect((await staffActivity())[0]).toMatchObject({
        action: 'admin.server_stopped',
        via: 'api-key',
        apiKeyId: expect.any(String),
        targetId: id,
        details: expect.objectContaining({ reason: 'Crypto mining', ownerId: owner.userId }),
      });
      const again = await t.http().post(`/api/v1/admin/servers/${id}/stop`).set(staff.auth).send({ reason: 'twice' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual(errorEnvelope('INVALID_TRANSITION'));
      expect(again.body.error.details).toMatchObject({ status: 'stopped' });
      expect(await noticesOf(owner.userId)).toHaveLength(1);
      // The started hour is not refunded: one charge, ledger and balance agree.
      await expectCredits(t, owner.userId, 470);
      await expectLedgerConsistent(t, owner.userId);
    });

    it('two staff stopping the same server at once: one wins, the other gets 409 with the current state', async () => {
      const owner = await createUser(t, { credits: 500 });
      const other = await createUser(t, { scopes: ['admin'] });
      const id = await runningServer(owner, 'raced');
      const results = await Promise.all(
        [staff, other].map((s) => t.http().post(`/api/v1/admin/servers/${id}/stop`).set(s.auth).send({ reason: 'rules' })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const lost = results.find((r) => r.status === 409)!;
      expect(['stopping', 'stopped']).toContain(lost.body.error.details.status);
      expect(await noticesOf(owner.userId)).toHaveLength(1);
    });

    it('deletes any server with a reason; the owner is told', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await runningServer(owner, 'doomed');
      const res = await t.http().post(`/api/v1/admin/servers/${id}/deletion`).set(staff.auth).send({ reason: 'Abandoned' });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ id, deleted: true });
      await pollUntil(
        () => serverRow(t, id),
        (row) => row === undefined,
        { what: 'the server row to go' },
      );
      expect((await noticesOf(owner.userId)).map((n) => n.payload.staff)).toEqual([
        expect.objectContaining({ action: 'server.delete', reason: 'Abandoned', serverName: 'doomed' }),
      ]);
      expect((await staffActivity())[0]).toMatchObject({ action: 'admin.server_deleted', details: expect.objectContaining({ reason: 'Abandoned' }) });
    });

    it('refuses a blank reason and an unknown server, changing nothing', async () => {
      const owner = await createUser(t, { credits: 500 });
      const id = await runningServer(owner, 'kept');
      const blank = await t.http().post(`/api/v1/admin/servers/${id}/stop`).set(staff.auth).send({ reason: '   ' });
      expect(blank.status).toBe(400);
      expect((await t.http().post(`/api/v1/admin/servers/${id}/stop`).set(staff.auth).send({})).status).toBe(400);
      const unknown = await t.http().post('/api/v1/admin/servers/00000000-0000-4000-8000-000000000000/stop').set(staff.auth).send({ reason: 'x' });
      expect(unknown.status).toBe(404);
      expect((await serverRow(t, id))?.status).toBe('running');
      expect(await noticesOf(owner.userId)).toEqual([]);
    });
  });

  describe('credits', () => {
    it('grants and takes GC through the ledger with a reason, never below zero', async () => {
      const u = await createUser(t, { credits: 100 });
      const url = `/api/v1/admin/users/${u.userId}/credits`;
      const grant = await t.http().post(url).set(staff.auth).send({ amount: 250, reason: 'Outage refund' });
      expect(grant.status).toBe(200);
      expect(grant.body.data).toEqual({ userId: u.userId, amount: 250, balance: 350, reason: 'Outage refund' });
      const take = await t.http().post(url).set(staff.auth).send({ amount: -50, reason: 'Chargeback' });
      expect(take.body.data).toMatchObject({ amount: -50, balance: 300 });
      const tooMuch = await t.http().post(url).set(staff.auth).send({ amount: -301, reason: 'Too much' });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS'));
      expect((await t.http().post(url).set(staff.auth).send({ amount: 0, reason: 'nothing' })).status).toBe(400);
      expect((await t.http().post(url).set(staff.auth).send({ amount: 5 })).status).toBe(400);
      await expectCredits(t, u.userId, 300);
      await expectLedgerConsistent(t, u.userId);
      const rows = await t.db.query(
        `SELECT amount::int AS amount FROM credit_transactions WHERE user_id = $1 AND reason = 'staff_adjustment' ORDER BY id`,
        [u.userId],
      );
      expect(rows).toEqual([{ amount: 250 }, { amount: -50 }]);
      const log = await staffActivity();
      expect(log[0]).toMatchObject({
        action: 'admin.credits_adjusted',
        targetType: 'user',
        targetId: u.userId,
        details: expect.objectContaining({ amount: -50, reason: 'Chargeback' }),
      });
    });

    it('names the user by Discord id too, and an unknown user is 404', async () => {
      const u = await createUser(t);
      const res = await t.http().post(`/api/v1/admin/users/${u.discordId}/credits`).set(staff.auth).send({ amount: 10, reason: 'Contest prize' });
      expect(res.body.data).toMatchObject({ userId: u.userId, balance: 10 });
      const unknown = await t
        .http()
        .post('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/credits')
        .set(staff.auth)
        .send({ amount: 10, reason: 'x' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(errorEnvelope('USER_NOT_FOUND'));
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('suspension', () => {
    it("refuses a suspended user's keys with the reason, stops their running servers, and unsuspending restores access", async () => {
      const u = await createUser(t, { credits: 500 });
      const id = await runningServer(u, 'theirs');
      const res = await t.http().post(`/api/v1/admin/users/${u.userId}/suspension`).set(staff.auth).send({ reason: 'Spam' });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ userId: u.userId, suspended: true, reason: 'Spam', serversStopped: 1 });
      const refused = await t.http().get('/api/v1/users/me').set(u.auth);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(errorEnvelope('FORBIDDEN', 'Your agis account is suspended by staff: Spam'));
      expect((await serverRow(t, id))?.stop_reason).toBe('staff');
      expect((await noticesOf(u.userId)).map((n) => n.payload.staff.reason)).toEqual(['Account suspended: Spam']);
      const twice = await t.http().post(`/api/v1/admin/users/${u.userId}/suspension`).set(staff.auth).send({ reason: 'Again' });
      expect(twice.status).toBe(409);
      const listed = await t.http().get('/api/v1/admin/users').query({ search: u.userId }).set(staff.auth);
      expect(listed.body.data[0]).toMatchObject({ suspendedAt: expect.any(String), suspendedReason: 'Spam' });

      const lifted = await t.http().delete(`/api/v1/admin/users/${u.userId}/suspension`).set(staff.auth).send({ reason: 'Appeal accepted' });
      expect(lifted.status).toBe(200);
      expect(lifted.body.data).toEqual({ userId: u.userId, suspended: false, reason: null, serversStopped: 0 });
      expect((await t.http().get('/api/v1/users/me').set(u.auth)).status).toBe(200);
      expect((await t.http().delete(`/api/v1/admin/users/${u.userId}/suspension`).set(staff.auth)).status).toBe(409);
      const actions = (await staffActivity()).map((a: { action: string }) => a.action);
      expect(actions.slice(0, 3)).toEqual(['admin.user_unsuspended', 'admin.server_stopped', 'admin.user_suspended']);
    });

    it("reads any user's activity log", async () => {
      const u = await createUser(t, { credits: 100 });
      await createServer(t, u, { name: 'logged', gameType: 'minecraft', start: false });
      const res = await t.http().get(`/api/v1/admin/users/${u.userId}/activity`).set(staff.auth);
      expect(res.status).toBe(200);
      expect(res.body.data[0]).toMatchObject({ action: 'server.created', via: 'api-key' });
      expect(res.body.data.map((a: { action: string }) => a.action)).toEqual(['server.created', 'key.created']);
      expect((await t.http().get('/api/v1/admin/users/nobody/activity').set(staff.auth)).status).toBe(404);
    });
  });

  describe('fuzz with a staff key', () => {
    const WEIRD: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53, '', ' ', 'x'.repeat(5000), '\u0000', '%_\\', ['a'], { a: 1 }, '💥'.repeat(200)];
    const IDS = ['x', '00000000-0000-4000-8000-000000000000', '%00', '..', "'; DROP TABLE users; --", '1'.repeat(30), '123456789012345678'];
    const OPS: Array<{ method: 'get' | 'post' | 'delete'; path: string; operationId: string; body?: Record<string, unknown> }> = [
      { method: 'get', path: '/api/v1/admin/servers', operationId: 'searchAllServers' },
      { method: 'get', path: '/api/v1/admin/users', operationId: 'searchAllUsers' },
      { method: 'post', path: '/api/v1/admin/servers/{id}/stop', operationId: 'staffStopServer', body: { reason: 'fuzz' } },
      { method: 'post', path: '/api/v1/admin/servers/{id}/deletion', operationId: 'staffDeleteServer', body: { reason: 'fuzz' } },
      { method: 'post', path: '/api/v1/admin/users/{id}/credits', operationId: 'adjustUserCredits', body: { amount: 5, reason: 'fuzz' } },
      { method: 'post', path: '/api/v1/admin/users/{id}/suspension', operationId: 'suspendUser', body: { reason: 'fuzz' } },
      { method: 'delete', path: '/api/v1/admin/users/{id}/suspension', operationId: 'unsuspendUser', body: { reason: 'fuzz' } },
      { method: 'get', path: '/api/v1/admin/users/{id}/activity', operationId: 'getUserActivity' },
    ];

    it('answers weird ids, queries and bodies on every staff operation with a documented 4xx in the envelope, never a 5xx', async () => {
      const doc = (await t.http().get('/api/docs-json')).body as {
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      };
      let n = 7;
      const pick = <T>(xs: readonly T[]): T => xs[(n = (n * 1103515245 + 12345) % 2 ** 31) % xs.length];
      const problems: string[] = [];
      for (const o of OPS) {
        const documented = doc.paths[o.path][o.method];
        expect(documented.operationId).toBe(o.operationId);
        for (let i = 0; i < 25; i++) {
          const path = o.path.replace('{id}', encodeURIComponent(pick(IDS)));
          const query = { search: pick(WEIRD), page: pick(WEIRD), perPage: pick(WEIRD) };
          const body = o.body && Object.fromEntries(Object.keys(o.body).map((k) => [k, pick([...WEIRD, o.body![k]])]));
          const res = await t
            .http()
            [o.method](path)
            .query(query)
            .set(staff.auth)
            .send(body ?? {});
          const label = `${o.operationId} ${path} ${JSON.stringify(query).slice(0, 80)} ${JSON.stringify(body ?? null).slice(0, 80)}`;
          if (res.status >= 500 || !documented.responses[String(res.status)]) {
            problems.push(`${res.status} for ${label}`);
          }
          if (res.status >= 300 && !(res.body?.success === false && typeof res.body.error?.code === 'string')) {
            problems.push(`no envelope for ${label}`);
          }
        }
      }
      expect(problems).toEqual([]);
      await expectLedgerConsistent(t, member.userId);
    });
  });
});
