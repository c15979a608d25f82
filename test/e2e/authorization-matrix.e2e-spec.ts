import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { USER_SCOPES } from '../../src/auth/scopes';
import { GuildsService } from '../../src/guilds/guilds.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Operation {
  method: string;
  path: string;
  operationId: string;
  scopes: string[] | null;
  op: Json;
}

/** The Discord guild the owner manages. */
const GUILD_ID = '123456789012345678';

/** Operations that answer without a key, on purpose. Anything else answering without one is a bug. */
const PUBLIC = [
  'GET /api/v1/games',
  'GET /api/v1/lobby',
  'GET /api/v1/shop',
  'POST /api/v1/payments/stripe/webhook',
  'POST /api/v1/rewards/callbacks/{provider}',
  'GET /healthz',
  'GET /readyz',
];

/**
 * Bodies that pass validation, so a refusal proves the ownership or scope check and not the DTO. An
 * operation with a body and no entry here fails the test: a new endpoint has to be thought about.
 */
const VALID_BODIES: Record<string, Json> = {
  buyPremium: { months: 1 },
  createCheckout: { packageId: 'wtg-5' },
  sendGift: { toDiscordId: '123456789012345678', amount: 1 },
  createServer: { name: 'intruder', gameType: 'minecraft', start: false },
  updateServerListing: { public: false, description: 'intruder' },
  createSchedule: { action: 'stop', cron: '0 9 * * *' },
  updateSchedule: { cron: '0 10 * * *', enabled: false },
  createApiKey: { name: 'intruder', scopes: ['profile:read'] },
  createWebhook: { url: 'http://127.0.0.1:9/hook', events: ['credits.low'] },
  convertWtg: { wtg: 1 },
  grantWtg: { discordId: '123456789012345678', coins: 5, reference: 'matrix-1' },
  depositToGuild: { amount: 1 },
  setGuildChannel: { channelId: '123456789012345678' },
  createGuildServer: { name: 'intruder', gameType: 'minecraft', start: false },
  staffStopServer: { reason: 'Breaks the rules' },
  staffDeleteServer: { reason: 'Breaks the rules' },
  adjustUserCredits: { amount: 5, reason: 'Outage refund' },
  suspendUser: { reason: 'Spam' },
  unsuspendUser: { reason: 'Appeal accepted' },
  saveCatalogGame: {
    name: 'Minecraft (Java)',
    hourlyCost: 1,
    image: 'itzg/minecraft-server:latest',
    ports: [{ name: 'game', containerPort: 25565, protocol: 'TCP' }],
    resources: { cpu: '1000m', memory: '2Gi' },
    dataPath: '/data',
    storage: '10Gi',
    readiness: { check: 'tcp', port: 25565 },
  },
};

/** Operations answering with Server-Sent Events (GET /events): a stream that stays open until its timeout. */
function isStream(o: Operation): boolean {
  return JSON.stringify((o.op.responses as Json | undefined)?.['200'] ?? {}).includes('text/event-stream');
}

function operationsOf(doc: Json): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        operationId: (op as Json).operationId as string,
        op: op as Json,
        scopes: ((op as Json)['x-required-scopes'] as string[] | undefined) ?? null,
      })),
  );
}

describe('authorization matrix (every operation in the OpenAPI document)', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let operations: Operation[];
  const ids: Record<string, string> = {};
  const keyId = (u: { key: string }) => u.key.split('_')[1];

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_CREATE_PER_MINUTE: '1000000', WEBHOOKS_ALLOW_PRIVATE: 'true' });
    operations = operationsOf((await t.http().get('/api/docs-json')).body);
    owner = await createUser(t, { credits: 5000, wtgCoins: 10 });
    other = await createUser(t, { credits: 5000, wtgCoins: 10 });
    const post = async (u: TestUser, path: string, body: Json) => {
      const res = await t.http().post(path).set(u.auth).send(body);
      expect(res.status).toBe(201);
      return res.body.data as Json;
    };
    ids.server = (await post(owner, '/api/v1/servers', { name: 'owned', gameType: 'minecraft', start: false })).id;
    ids.schedule = (await post(owner, `/api/v1/servers/${ids.server}/schedules`, { action: 'start', cron: '0 8 * * *' })).id;
    ids.key = (await post(owner, '/api/v1/auth/keys', { name: 'spare', scopes: ['profile:read'] })).id;
    ids.webhook = (await post(owner, '/api/v1/webhooks', { url: 'http://127.0.0.1:9/owned', events: ['server.started'] })).id;
    // The other user owns things too, so "not found" is about ownership, not about an empty account.
    // The owner manages a Discord guild (as a /guild command there records) and has a server its treasury pays for.
    await t.app.get(GuildsService).see({ userId: owner.userId, scopes: [], via: { kind: 'discord' } }, GUILD_ID, true);
    ids.guildServer = (await post(owner, `/api/v1/guilds/${GUILD_ID}/servers`, { name: 'guild owned', gameType: 'minecraft', start: false })).id;
    const theirs = await post(other, '/api/v1/servers', { name: 'theirs', gameType: 'minecraft', start: false });
    await post(other, `/api/v1/servers/${theirs.id}/schedules`, { action: 'start', cron: '0 8 * * *' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** The owner's resource for each path parameter; an unknown one fails so new routes get a fixture. */
  const concretePath = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'provider') {
        return 'offerwall';
      }
      if (name === 'key' && path.startsWith('/api/v1/admin/games/')) {
        return 'minecraft';
      }
      // Guild routes name the owner's guild and its server; the other user was never seen in that guild.
      if (name === 'guildId') {
        return GUILD_ID;
      }
      if (name === 'id' && path.startsWith('/api/v1/guilds/')) {
        return ids.guildServer;
      }
      // Staff routes name anyone's server or user: the owner's.
      if (name === 'id' && path.startsWith('/api/v1/admin/servers/')) {
        return ids.server;
      }
      if (name === 'id' && path.startsWith('/api/v1/admin/users/')) {
        return owner.userId;
      }
      const resource = /^\/api\/v1\/(servers|schedules|auth\/keys|webhooks)\//.exec(path)?.[1];
      const found =
        name === 'id' && resource
          ? ids[{ servers: 'server', schedules: 'schedule', 'auth/keys': 'key', webhooks: 'webhook' }[resource] as string]
          : undefined;
      if (!found) {
        throw new Error(`No fixture for {${name}} in ${path}: add one to the authorization matrix`);
      }
      return found;
    });

  const call = (o: Operation, auth: Record<string, string>) => {
    const req = t.http()[o.method.toLowerCase() as 'get'](concretePath(o.path)).set(auth);
    if (isStream(o)) {
      // An event stream ends at its timeoutSeconds; what it sent by then is checked like any body.
      return req.query({ timeoutSeconds: 1 });
    }
    if (o.op.requestBody) {
      const body = VALID_BODIES[o.operationId];
      if (!body) {
        throw new Error(`No valid body for ${o.operationId}: add one to VALID_BODIES`);
      }
      return req.send(body);
    }
    return req;
  };

  /** A key of the owner's, minted directly (an operator path: no HTTP, so no rate limit and no renaming). */
  const mintOwnerKey = (scopes: string[], name: string) =>
    t.app.get(ApiKeysService).create({ userId: owner.userId, scopes: ['admin'], via: { kind: 'system', name: 'test' } }, { name, scopes });

  /** Everything of the owner's a refused request must leave as it was. */
  const snapshot = async () => ({
    user: await t.db.query('SELECT credits, wtg_coins, username FROM users WHERE id = $1', [owner.userId]),
    servers: await t.db.query('SELECT id, name, status, start_seq, billed_until FROM servers WHERE owner_id = $1 ORDER BY id', [owner.userId]),
    schedules: await t.db.query('SELECT id, action, cron, enabled, next_run_at FROM server_schedules WHERE owner_id = $1 ORDER BY id', [
      owner.userId,
    ]),
    keys: await t.db.query('SELECT id, name, scopes, revoked_at, allowed_ips FROM api_keys WHERE user_id = $1 ORDER BY id', [owner.userId]),
    webhooks: await t.db.query('SELECT id, url, events, enabled FROM webhooks WHERE user_id = $1 ORDER BY id', [owner.userId]),
    ledger: await t.db.query('SELECT count(*)::int AS n FROM credit_transactions WHERE user_id = $1', [owner.userId]),
    wtg: await t.db.query('SELECT count(*)::int AS n FROM wtg_transactions WHERE user_id = $1', [owner.userId]),
    deliveries: await t.db.query('SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.user_id = $1', [
      owner.userId,
    ]),
    activity: await t.db.query('SELECT count(*)::int AS n FROM activity_log WHERE user_id = $1', [owner.userId]),
    guild: await t.db.query(
      'SELECT (SELECT count(*)::int FROM guild_transactions WHERE guild_id = $1) AS rows, (SELECT notice_channel_id FROM guild_accounts WHERE guild_id = $1) AS channel',
      [GUILD_ID],
    ),
  });

  it('lists the operations, and only the intended ones are public', () => {
    expect(operations.length).toBeGreaterThan(30);
    // Every other operation declares its scopes (and is refused without a key: next test).
    expect(
      operations
        .filter((o) => o.scopes === null)
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual([...PUBLIC].sort());
  });

  it('refuses no key, a revoked key and a key without the scope, on every secured operation, changing nothing', async () => {
    const before = await snapshot();
    const revoked = await createUser(t);
    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId(revoked)]);
    // Revoked and scope-less keys of the owner itself: a refusal must not depend on whose key it is.
    const ownerRevoked = await mintOwnerKey([...USER_SCOPES], 'to revoke');
    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [ownerRevoked.id]);
    const failures: string[] = [];
    for (const o of operations.filter((x) => x.scopes !== null)) {
      const name = `${o.method} ${o.path}`;
      const noKey = await call(o, {});
      const revokedKey = await call(o, { Authorization: `Bearer ${ownerRevoked.key}` });
      const stranger = await call(o, revoked.auth);
      for (const [label, res] of [
        ['no key', noKey],
        ['revoked key', revokedKey],
        ['revoked stranger key', stranger],
      ] as const) {
        if (res.status !== 401 || res.body?.error?.code !== 'UNAUTHENTICATED') {
          failures.push(`${name} with ${label}: ${res.status}`);
        }
      }
      const lacking = USER_SCOPES.filter((s) => !o.scopes!.includes(s));
      const scoped = await mintOwnerKey(lacking, `lacks ${o.operationId}`);
      const res = await call(o, { Authorization: `Bearer ${scoped.key}` });
      if (res.status !== 403 || res.body?.error?.code !== 'FORBIDDEN') {
        failures.push(`${name} without ${o.scopes!.join('+')}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
      await t.db.query('DELETE FROM api_keys WHERE id = $1', [scoped.id]);
      await t.db.query(`DELETE FROM activity_log WHERE user_id = $1 AND action = 'key.created' AND target_id = $2`, [owner.userId, scoped.id]);
    }
    expect(failures).toEqual([]);
    await t.db.query('DELETE FROM activity_log WHERE user_id = $1 AND target_id = $2', [owner.userId, ownerRevoked.id]);
    await t.db.query('DELETE FROM api_keys WHERE id = $1', [ownerRevoked.id]);
    expect(await snapshot()).toEqual(before);
  });

  it("never lets another user see or act on the owner's resources", async () => {
    const before = await snapshot();
    const secrets = [owner.userId, ids.server, ids.schedule, ids.key, ids.webhook];
    const failures: string[] = [];
    for (const o of operations.filter((x) => x.scopes !== null)) {
      const name = `${o.method} ${o.path}`;
      const res = await call(o, other.auth);
      // An error message may echo the id the caller sent; only data and details would be a leak.
      const text = JSON.stringify([res.body?.data, res.body?.meta, res.body?.error?.details]) + (isStream(o) ? res.text : '');
      const leaked = secrets.filter((s) => text.includes(s));
      if (leaked.length) {
        failures.push(`${name} leaked ${leaked.join(', ')}`);
      }
      if (o.path.includes('{') && ![403, 404].includes(res.status)) {
        failures.push(`${name} on the owner's resource answered ${res.status}`);
      }
      if (o.scopes!.includes('admin') && res.status !== 403) {
        failures.push(`${name} (admin) answered ${res.status} to a user key`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the owner's key from an address outside its allow-list (403) on every operation, and logs it once", async () => {
    const restricted = await t
      .http()
      .post('/api/v1/auth/keys')
      .set(owner.auth)
      .send({ name: 'office only', scopes: [...USER_SCOPES], allowedIps: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(restricted.status).toBe(201);
    expect(restricted.body.data.allowedIps).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    const before = await snapshot();
    const failures: string[] = [];
    for (const o of operations.filter((x) => x.scopes !== null)) {
      const res = await call(o, { Authorization: `Bearer ${restricted.body.data.key}` });
      if (res.status !== 403 || res.body?.error?.code !== 'FORBIDDEN') {
        failures.push(`${o.method} ${o.path}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    const after = await snapshot();
    expect({ ...after, activity: before.activity }).toEqual(before);
    const blocked: Json[] = await t.db.query(`SELECT api_key_id, host(ip) AS ip FROM activity_log WHERE user_id = $1 AND action = 'key.blocked'`, [
      owner.userId,
    ]);
    expect(blocked).toEqual([{ api_key_id: restricted.body.data.id, ip: '127.0.0.1' }]);
    const log = await t.http().get('/api/v1/users/me/activity').set(owner.auth);
    expect(log.body.data[0]).toEqual(
      expect.objectContaining({ action: 'key.blocked', targetId: restricted.body.data.id, details: { ip: '127.0.0.1' } }),
    );
  });
});
