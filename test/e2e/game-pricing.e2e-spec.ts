import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { BILLING_HOUR_MS } from '../../src/servers/billing/billing-clock';
import { BUILT_IN_GAMES } from '../../src/servers/catalog/game-catalog';
import { GameCatalogService } from '../../src/servers/catalog/game-catalog.service';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { balanceOf, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { createTestApp, type TestApp } from '../support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A PUT body: the built-in entry of `key` (without its key), with `changes`. */
const entryOf = (key: string, changes: Json = {}): Json => {
  const { key: _key, ...rest } = BUILT_IN_GAMES.find((g) => g.key === key)!;
  return { ...rest, ...changes };
};
const QUAKE = {
  name: 'Quake III',
  hourlyCost: 10,
  image: 'example/quake3:1',
  ports: [{ name: 'game', containerPort: 27960, protocol: 'UDP' }],
  resources: { cpu: '250m', memory: '256Mi' },
  dataPath: '/home/quake/baseq3',
  storage: '1Gi',
  readiness: { check: 'udp', port: 27960 },
};

describe('game prices at run time (two replicas on one database)', () => {
  let a: TestApp;
  let b: TestApp;
  let staff: TestUser;
  const env = { CATALOG_REFRESH_MS: '200', LOCAL_AGONES_STEP_MS: '10' };

  beforeAll(async () => {
    // Replica a runs the scheduler role (it watches the GameServers of its local Agones) with its billing timer out of the
    // way; each test bills through a replica's one pass (runOnce) instead.
    a = await createTestApp({ ...env, AGIS_ROLES: 'api,scheduler', BILLING_TICK_MS: '3600000' });
    b = await createTestApp(env, { databaseUrl: a.databaseUrl });
    staff = await createUser(a, { scopes: ['admin'] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const put = (t: TestApp, key: string, body: Json, as: TestUser = staff) => t.http().put(`/api/v1/admin/games/${key}`).set(as.auth).send(body);
  const offered = async (t: TestApp) => ((await t.http().get('/api/v1/games')).body.data as Json[]).map((g) => [g.key, g.hourlyCost]);
  /** What a generated client is told it may send as `gameType`: the enum in the served OpenAPI document. */
  const documentedGameTypes = async (t: TestApp) =>
    ((await t.http().get('/api/docs-json')).body as Json).components.schemas.CreateServerDto.properties.gameType.enum;
  const catalogRows = () => a.db.query('SELECT key, hourly_cost, enabled, definition FROM game_catalog ORDER BY position');

  it('seeds the table once with the built-in games, in their order, and serves them', async () => {
    const rows: Json[] = await catalogRows();
    expect(rows.map((r) => [r.key, r.hourly_cost, r.enabled])).toEqual(BUILT_IN_GAMES.map((g) => [g.key, g.hourlyCost, true]));
    expect(await offered(b)).toEqual(BUILT_IN_GAMES.map((g) => [g.key, g.hourlyCost]));
    expect(await documentedGameTypes(b)).toEqual(BUILT_IN_GAMES.map((g) => g.key));
    const all = await a.http().get('/api/v1/admin/games').set(staff.auth);
    expect(all.status).toBe(200);
    expect(all.body.data[0]).toEqual({ ...BUILT_IN_GAMES[0], enabled: true, updatedAt: expect.any(String) });
  });

  it('refuses a price of zero or less, a bad entry or a non-staff key, changing nothing', async () => {
    const before = await catalogRows();
    for (const hourlyCost of [0, -5, 1.5, '30']) {
      const res = await put(a, 'minecraft', entryOf('minecraft', { hourlyCost }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /hourlyCost must be a positive whole number of GameCredits/));
      expect(res.body.error.details).toEqual([{ field: 'hourlyCost', messages: ['hourlyCost must be a positive whole number of GameCredits'] }]);
    }
    // The file's rules, every problem at once: a new game needs every field.
    const partial = await put(a, 'newgame', { name: 'New', hourlyCost: 5 });
    expect(partial.status).toBe(400);
    expect(partial.body.error.details.map((d: Json) => d.field).sort()).toEqual(['dataPath', 'image', 'ports', 'readiness', 'resources', 'storage']);
    const badKey = await put(a, 'Bad_Key', QUAKE);
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details).toEqual([expect.objectContaining({ field: 'key' })]);
    const unknownField = await put(a, 'minecraft', entryOf('minecraft', { colour: 'red' }));
    expect(unknownField.status).toBe(400);
    const user = await createUser(a);
    const forbidden = await put(a, 'minecraft', entryOf('minecraft', { hourlyCost: 1 }), user);
    expect(forbidden.status).toBe(403);
    expect(await catalogRows()).toEqual(before);
  });

  it('adds a game that both replicas then offer, and logs the change under the staff member', async () => {
    const res = await put(a, 'quake', QUAKE);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ key: 'quake', ...QUAKE, env: {}, enabled: true, updatedAt: expect.any(String) });
    expect((await offered(a)).at(-1)).toEqual(['quake', 10]);
    await pollUntil(
      () => offered(b),
      (games) => games.some(([key]) => key === 'quake'),
      { what: 'replica b to offer quake' },
    );
    expect(await documentedGameTypes(b)).toEqual([...BUILT_IN_GAMES.map((g) => g.key), 'quake']);
    const u = await createUser(b, { credits: 100 });
    const created = await createServer(b, u, { name: 'arena', gameType: 'quake', start: false });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual(expect.objectContaining({ gameType: 'quake', costPerHour: 10 }));
    const log = await a.http().get('/api/v1/users/me/activity').set(staff.auth);
    expect(log.body.data[0]).toEqual(
      expect.objectContaining({
        action: 'admin.game_saved',
        targetType: 'game',
        targetId: 'quake',
        details: { added: true, hourlyCost: { from: null, to: 10 }, enabled: { from: null, to: true } },
      }),
    );
  });

  it('hides a disabled game and refuses it at create on every replica; a running one carries on and enabling brings it back', async () => {
    const owner = await createUser(a, { credits: 1000 });
    const running = (await createServer(a, owner, { name: 'farm', gameType: 'factorio' })).body.data;
    await waitForStatus(a, owner, running.id, 'running');
    const res = await put(a, 'factorio', entryOf('factorio', { enabled: false }));
    expect(res.status).toBe(200);
    expect(res.body.data.enabled).toBe(false);
    await pollUntil(
      () => offered(b),
      (games) => !games.some(([key]) => key === 'factorio'),
      { what: 'replica b to hide factorio' },
    );
    expect(await documentedGameTypes(b)).not.toContain('factorio');
    for (const t of [a, b]) {
      const refused = await createServer(t, owner, { name: 'another farm', gameType: 'factorio', start: false });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(
        errorEnvelope('VALIDATION_FAILED', /^Factorio \("factorio"\) is not offered at the moment; known types: minecraft/),
      );
    }
    expect((await a.db.query(`SELECT count(*)::int AS n FROM servers WHERE owner_id = $1`, [owner.userId]))[0].n).toBe(1);
    // Staff still see it, and the running server carries on: it is billed its next hour like any other.
    const all = (await a.http().get('/api/v1/admin/games').set(staff.auth)).body.data as Json[];
    expect(all.find((g) => g.key === 'factorio')).toEqual(expect.objectContaining({ enabled: false, hourlyCost: 100 }));
    const paidUntil = new Date((await serverRow(a, running.id))!.billed_until as Date);
    await b.app.get(ServerBillingService).runOnce(paidUntil);
    expect(await balanceOf(a, owner.userId)).toBe(1000 - 2 * 100);
    expect((await serverRow(a, running.id))!.status).toBe('running');

    const enabled = await b.app
      .get(GameCatalogService)
      .setEnabled({ userId: staff.userId, scopes: ['admin'], via: { kind: 'discord' } }, 'factorio', true);
    expect(enabled.enabled).toBe(true);
    await pollUntil(
      () => offered(a),
      (games) => games.some(([key]) => key === 'factorio'),
      { what: 'replica a to offer factorio again' },
    );
    const actions = (await a.http().get('/api/v1/users/me/activity').set(staff.auth)).body.data.slice(0, 2).map((e: Json) => [e.action, e.via]);
    expect(actions).toEqual([
      ['admin.game_enabled', 'discord'],
      ['admin.game_saved', 'api-key'],
    ]);
    await expectLedgerConsistent(a, owner.userId);
  });

  it('lets a staff command change only the price through the same service, and refuses anyone else', async () => {
    const catalog = b.app.get(GameCatalogService);
    const viaDiscord = (userId: string, scopes: string[]) => ({ userId, scopes, via: { kind: 'discord' as const } });
    await expect(catalog.setPrice(viaDiscord(staff.userId, []), 'terraria', 40)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(catalog.setEnabled(viaDiscord(staff.userId, ['servers:write']), 'terraria', false)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(catalog.setPrice(viaDiscord(staff.userId, ['admin']), 'terraria', 0)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'hourlyCost', messages: ['hourlyCost must be a positive whole number of GameCredits'] }],
    });
    await expect(catalog.setPrice(viaDiscord(staff.userId, ['admin']), 'tetris', 40)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await catalogRows()).find((r: Json) => r.key === 'terraria')).toEqual(expect.objectContaining({ hourly_cost: 35, enabled: true }));

    const saved = await catalog.setPrice(viaDiscord(staff.userId, ['admin']), 'terraria', 40);
    expect(saved).toEqual({ ...BUILT_IN_GAMES.find((g) => g.key === 'terraria'), hourlyCost: 40, enabled: true, updatedAt: expect.any(String) });
    expect(await offered(b)).toContainEqual(['terraria', 40]);
    const [entry] = (await a.http().get('/api/v1/users/me/activity').set(staff.auth)).body.data;
    expect(entry).toEqual(
      expect.objectContaining({
        action: 'admin.game_saved',
        via: 'discord',
        targetId: 'terraria',
        details: { added: false, hourlyCost: { from: 35, to: 40 }, enabled: { from: true, to: true } },
      }),
    );
  });

  it('applies a price change from the next billed hour on the other replica, without a restart: the paid hour stays paid', async () => {
    const owner = await createUser(a, { credits: 1000 });
    const server = (await createServer(a, owner, { name: 'survival', gameType: 'minecraft' })).body.data;
    await waitForStatus(a, owner, server.id, 'running');
    expect(await balanceOf(a, owner.userId)).toBe(970);
    const paidUntil = new Date((await serverRow(a, server.id))!.billed_until as Date);

    // Staff raise the price on replica a; replica b picks it up by its refresh, not a restart.
    expect((await put(a, 'minecraft', entryOf('minecraft', { hourlyCost: 45 }))).status).toBe(200);
    await pollUntil(
      () => offered(b),
      (games) => games.some(([key, cost]) => key === 'minecraft' && cost === 45),
      { what: 'replica b to see the new price' },
    );
    // The running hour was paid at 30 and stays so: nothing charged, the server still shows the price it paid.
    expect(await balanceOf(a, owner.userId)).toBe(970);
    expect((await b.http().get(`/api/v1/servers/${server.id}`).set(owner.auth)).body.data.costPerHour).toBe(30);

    // Replica b bills the next hour (and the one after) at the new price.
    const billing = b.app.get(ServerBillingService);
    await billing.runOnce(new Date(paidUntil.getTime() - 1000));
    expect(await balanceOf(a, owner.userId)).toBe(970);
    await billing.runOnce(new Date(paidUntil.getTime() + BILLING_HOUR_MS));
    expect(await balanceOf(a, owner.userId)).toBe(970 - 2 * 45);
    const hours: Json[] = await a.db.query(
      `SELECT amount FROM credit_transactions WHERE reference = $1 AND reason = 'server_hour' ORDER BY created_at, id`,
      [server.id],
    );
    expect(hours.map((h) => Number(h.amount))).toEqual([-30, -45, -45]);
    expect((await b.http().get(`/api/v1/servers/${server.id}`).set(owner.auth)).body.data.costPerHour).toBe(45);
    await expectLedgerConsistent(a, owner.userId);
  });

  it("keeps staff's changes when another replica boots: the seed only adds games the table lacks", async () => {
    const c = await createTestApp(env, { databaseUrl: a.databaseUrl });
    try {
      const games = await offered(c);
      expect(games).toContainEqual(['minecraft', 45]);
      expect(games).toContainEqual(['quake', 10]);
      expect((await catalogRows()).length).toBe(BUILT_IN_GAMES.length + 1);
    } finally {
      await c.close();
    }
  });
});
