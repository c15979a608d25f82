import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createHmac, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { SCOPES } from '../../src/auth/scopes';
import { GuildTreasuryService } from '../../src/credits/guild-treasury.service';
import { GuildsService } from '../../src/guilds/guilds.service';
import { FakeStripe } from '../fakes/fake-stripe';
import { grantBalances } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Operation {
  method: string;
  path: string;
  operationId: string;
  op: Json;
}
type Mode = 'examples' | 'generated';

const REWARD_SECRETS = { offerwall: 'contract-offerwall-secret', survey: 'contract-survey-secret', video: 'contract-video-secret' };
const STRIPE_WEBHOOK_SECRET = 'whsec_contract';
/** The Discord id the documented examples use (grant, reward callback): it belongs to the test's user. */
const EXAMPLE_DISCORD_ID = '123456789012345678';
/** The Discord guild the documented examples name (the guildId parameter's example): the test's user manages it. */
const EXAMPLE_GUILD_ID = '123456789012345678';
/** Documented examples that cannot succeed here, and why; any other example request must answer 2xx. */
const EXAMPLE_REFUSALS: Record<string, string> = {
  createWebhook: 'the example URL needs public DNS, which the test machine does not have',
  stopServer: 'the fixture server is stopped',
  restartServer: 'the fixture server is stopped',
  updateServerListing: 'the fixture server is stopped, and only a running server can be listed',
  staffStopServer: 'the fixture server is stopped',
  stopGuildServer: 'the fixture server is stopped',
  unsuspendUser: 'the fixture user is not suspended',
};

function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(jsonSchemaOf);
  }
  if (!node || typeof node !== 'object') {
    return node;
  }
  const { nullable, ...rest } = node as Json;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchemaOf(v)]));
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

describe('the OpenAPI document says what the service enforces and answers', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let doc: Json;
  let ops: Operation[];
  let auth: Record<string, string>;
  let validate: (schema: Json) => ValidateFunction;
  let seq = 0;
  const cleanups: Array<() => PromiseLike<unknown>> = [];

  beforeAll(async () => {
    // Checkout talks to a fake Stripe, so its documented examples get the documented 201.
    stripe = await FakeStripe.start();
    t = await createTestApp({
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_API_BASE: stripe.apiBase,
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      REWARDS_SECRET_OFFERWALL: REWARD_SECRETS.offerwall,
      REWARDS_SECRET_SURVEY: REWARD_SECRETS.survey,
      REWARDS_SECRET_VIDEO: REWARD_SECRETS.video,
      STRIPE_WEBHOOK_SECRET,
    });
    // The gift examples name this receiver.
    await t.app.get(ApiKeysService).mintForDiscordUser('234567890123456789', 'receiver', ['profile:read'], 'test');
    doc = (await t.http().get('/api/docs-json')).body;
    ops = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({ method: m, path, operationId: (op as Json).operationId as string, op: op as Json })),
    );
    const minted = await t.app.get(ApiKeysService).mintForDiscordUser(EXAMPLE_DISCORD_ID, 'contract', ['admin'], 'test');
    auth = { Authorization: `Bearer ${minted.key}` };
    const [{ id }] = await t.db.query('SELECT id FROM users WHERE discord_id = $1', [EXAMPLE_DISCORD_ID]);
    await grantBalances(t, id as string, { credits: 1_000_000, wtgCoins: 1000 });
    // The guild examples name this guild: the user manages it (as a /guild command there records) and its treasury can pay.
    await t.app.get(GuildsService).see({ userId: id as string, scopes: [], via: { kind: 'discord' } }, EXAMPLE_GUILD_ID, true);
    await t.app.get(GuildTreasuryService).deposit(id as string, EXAMPLE_GUILD_ID, 100_000);
    // OpenAPI 3.0 schemas read as JSON Schema: `example` and friends are annotations, and `nullable`
    // allows null at its node (also over an `allOf: [$ref]`, the usual way to say "nullable reference").
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    ajv.addSchema(jsonSchemaOf({ components: doc.components }) as Json, 'openapi');
    const cache = new Map<string, ValidateFunction>();
    validate = (schema) => {
      const text = JSON.stringify(jsonSchemaOf(schema)).replace(/"#\/components\//g, '"openapi#/components/');
      if (!cache.has(text)) {
        cache.set(text, ajv.compile(JSON.parse(text)));
      }
      return cache.get(text)!;
    };
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  const resolve = (schema: Json | undefined): Json => {
    let s = schema ?? {};
    while (s.$ref) {
      s = doc.components.schemas[(s.$ref as string).split('/').pop()!];
    }
    return s;
  };
  const bodySchema = (o: Operation): Json | undefined => o.op.requestBody?.content?.['application/json']?.schema;
  const params = (o: Operation, where: string): Json[] => ((o.op.parameters ?? []) as Json[]).filter((p) => p.in === where);

  /** A value for `schema`: its documented example (mode examples), or one built from its constraints (mode generated). */
  const valueFor = (schema: Json | undefined, mode: Mode, depth = 0): unknown => {
    const s = resolve(schema);
    // A pattern cannot be inverted here: its documented example stands in (and is checked against the schema below).
    if (s.example !== undefined && (mode === 'examples' || s.pattern)) {
      return s.example;
    }
    if (s.enum) {
      return mode === 'examples' ? s.enum[0] : s.enum[s.enum.length - 1];
    }
    if (s.oneOf) {
      return valueFor(s.oneOf[0], mode, depth + 1);
    }
    switch (s.type) {
      case 'integer':
      case 'number':
        return mode === 'examples' ? (s.default ?? s.minimum ?? 1) : (s.maximum ?? s.minimum ?? 1);
      case 'boolean':
        return mode === 'examples' ? (s.default ?? true) : false;
      case 'string':
        return s.format === 'date-time' ? new Date().toISOString() : 'g'.repeat(Math.max(1, Math.min(s.maxLength ?? 9, 9)));
      case 'array': {
        const items = resolve(s.items);
        const n = Math.max(1, s.minItems ?? 0);
        return items.enum ? items.enum.slice(-n) : Array.from({ length: n }, () => valueFor(items, mode, depth + 1));
      }
      default: {
        const required: string[] = s.required ?? [];
        return Object.fromEntries(
          Object.entries((s.properties ?? {}) as Json)
            .filter(([k]) => mode === 'examples' || required.includes(k))
            .map(([k, v]) => [k, valueFor(v, mode, depth + 1)]),
        );
      }
    }
  };

  /** A fresh resource of the owner's for each path parameter, so every operation (deletes too) has its own. */
  const concretePath = async (o: Operation, mode: Mode): Promise<string> => {
    let path = o.path;
    for (const p of params(o, 'path')) {
      path = path.replace(`{${p.name}}`, p.name === 'id' ? await fixtureFor(o.path) : String(valueFor(p.schema, mode)));
    }
    return path;
  };
  const fixtureFor = async (path: string): Promise<string> => {
    const post = async (url: string, body: Json) => {
      const res = await t.http().post(url).set(auth).send(body);
      if (res.status !== 201) {
        throw new Error(`Fixture ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body.data.id as string;
    };
    seq += 1;
    const server = async () => {
      const id = await post('/api/v1/servers', { name: `fixture ${seq}`, gameType: 'minecraft', start: false });
      // Accounts hold a limited number of servers: each fixture goes once its request is answered.
      cleanups.push(() => t.http().delete(`/api/v1/servers/${id}`).set(auth));
      return id;
    };
    if (path.startsWith('/api/v1/servers/')) {
      return server();
    }
    if (path.startsWith('/api/v1/schedules/')) {
      return post(`/api/v1/servers/${await server()}/schedules`, { action: 'stop', cron: '0 8 * * *' });
    }
    if (path.startsWith('/api/v1/webhooks/')) {
      return post('/api/v1/webhooks', { url: `http://127.0.0.1:9/fixture-${seq}`, events: ['credits.low'] });
    }
    if (path.startsWith('/api/v1/auth/keys/')) {
      return post('/api/v1/auth/keys', { name: `fixture ${seq}`, scopes: ['profile:read'] });
    }
    if (path.startsWith('/api/v1/guilds/')) {
      const id = await post(`/api/v1/guilds/${EXAMPLE_GUILD_ID}/servers`, { name: `fixture ${seq}`, gameType: 'minecraft', start: false });
      cleanups.push(() => t.http().delete(`/api/v1/guilds/${EXAMPLE_GUILD_ID}/servers/${id}`).set(auth));
      return id;
    }
    if (path.startsWith('/api/v1/admin/servers/')) {
      return server();
    }
    if (path.startsWith('/api/v1/admin/users/')) {
      // Someone else than the caller (staff cannot suspend themselves), with a key of their own.
      const discordId = String(300000000000000000n + BigInt(seq));
      await t.app.get(ApiKeysService).mintForDiscordUser(discordId, `fixture${seq}`, ['profile:read'], 'fixture');
      const [{ id }]: Array<{ id: string }> = await t.db.query('SELECT id::text AS id FROM users WHERE discord_id = $1', [discordId]);
      return id;
    }
    throw new Error(`No fixture for ${path}: add one to the contract test`);
  };

  const streams = (o: Operation): boolean => Boolean(o.op.responses['200']?.content?.['text/event-stream']);

  const send = async (o: Operation, mode: Mode) => {
    const query = params(o, 'query').map(
      (p) =>
        `${p.name}=${encodeURIComponent(
          String(
            // A stream answers for as long as it is asked to (and the test reads it to the end): ask for the shortest.
            streams(o) && p.schema?.type === 'integer'
              ? p.schema.minimum
              : mode === 'examples'
                ? (p.example ?? p.schema?.example ?? p.schema?.default ?? valueFor(p.schema, mode))
                : valueFor(p.schema, mode),
          ),
        )}`,
    );
    const url = `${await concretePath(o, mode)}${query.length ? `?${query.join('&')}` : ''}`;
    const body = bodySchema(o) ? valueFor(bodySchema(o), mode) : undefined;
    // The reward callback is the one body whose example is not unique per request: make its conversion fresh.
    const raw =
      body === undefined
        ? undefined
        : JSON.stringify(o.operationId === 'receiveRewardCallback' ? { ...(body as Json), conversionId: `cv-${mode}` } : body);
    let req = t.http()[o.method as 'get'](url).set(auth);
    for (const h of params(o, 'header')) {
      if (/^idempotency-key$/i.test(h.name)) {
        req = req.set(h.name, `contract-${mode}-${randomUUID()}`);
      } else if (/^x-agis-signature$/i.test(h.name)) {
        const provider = /callbacks\/(\w+)/.exec(url)![1] as keyof typeof REWARD_SECRETS;
        req = req.set(
          h.name,
          createHmac('sha256', REWARD_SECRETS[provider])
            .update(raw ?? '')
            .digest('hex'),
        );
      } else if (/^stripe-signature$/i.test(h.name)) {
        req = req.set(h.name, Stripe.webhooks.generateTestHeaderString({ payload: raw ?? '', secret: STRIPE_WEBHOOK_SECRET }));
      } else if (h.required) {
        throw new Error(`No value for header ${h.name} of ${o.operationId}: add one to the contract test`);
      }
    }
    const res = raw === undefined ? await req : await req.set('Content-Type', 'application/json').send(raw);
    return { res, label: `${mode} ${o.method.toUpperCase()} ${url} ${raw ?? ''}`.slice(0, 300) };
  };

  it('documents every answer of every operation, for its documented examples and for a generated request', async () => {
    const problems: string[] = [];
    for (const o of ops) {
      for (const mode of ['examples', 'generated'] as const) {
        const { res, label } = await send(o, mode);
        for (const cleanup of cleanups.splice(0)) {
          await cleanup();
        }
        const documented = o.op.responses[String(res.status)];
        if (!documented) {
          problems.push(`${o.operationId}: undocumented ${res.status} for ${label}: ${JSON.stringify(res.body).slice(0, 200)}`);
          continue;
        }
        if (streams(o) && res.status === 200) {
          if (!String(res.headers['content-type']).startsWith('text/event-stream')) {
            problems.push(`${o.operationId}: 200 is documented as an event stream but came as ${res.headers['content-type']}`);
          }
          continue;
        }
        const schema = documented.content?.['application/json']?.schema;
        const check = schema && validate(schema);
        if (!check || !check(res.body)) {
          problems.push(
            `${o.operationId}: ${res.status} body does not match its schema for ${label}: ${JSON.stringify(check?.errors ?? 'no schema').slice(
              0,
              300,
            )} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
        if (mode === 'examples' && res.status >= 300 && !EXAMPLE_REFUSALS[o.operationId]) {
          problems.push(`${o.operationId}: its documented examples were refused with ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('gives every documented example a value its own schema accepts', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const schema = bodySchema(o);
      if (schema?.$ref && !validate(schema)(valueFor(schema, 'examples'))) {
        problems.push(`${o.operationId} body: ${JSON.stringify(validate(schema).errors)}`);
      }
      for (const p of params(o, 'query')) {
        const example = p.example ?? p.schema?.example ?? p.schema?.default;
        if (example !== undefined && !validate(p.schema)(example)) {
          problems.push(`${o.operationId} ?${p.name}: ${JSON.stringify(validate(p.schema).errors)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents each answer with the envelope, 400 wherever input is read, and no parameter twice', () => {
    const problems: string[] = [];
    for (const o of ops) {
      for (const [status, response] of Object.entries(o.op.responses as Json)) {
        const schemas = Object.values((response.content ?? {}) as Json).map((c) => c.schema);
        if (!schemas.length || schemas.some((x) => !x)) {
          problems.push(`${o.operationId} ${status}: no schema`);
        } else if (Number(status) >= 400 && response.content['application/json']?.schema?.$ref !== '#/components/schemas/ErrorEnvelope') {
          problems.push(`${o.operationId} ${status}: not the error envelope in JSON`);
        }
      }
      const reads = ['path', 'query', 'header'].some((where) => params(o, where).length > 0) || Boolean(o.op.requestBody);
      if (reads && !o.op.responses['400']) {
        problems.push(`${o.operationId}: reads input but does not document 400`);
      }
      const names = ((o.op.parameters ?? []) as Json[]).map((p) => `${p.in}:${(p.name as string).toLowerCase()}`);
      if (new Set(names).size !== names.length) {
        problems.push(`${o.operationId}: a parameter is listed twice: ${names.join(', ')}`);
      }
      const body = bodySchema(o);
      if (body?.$ref && resolve(body).additionalProperties !== false) {
        problems.push(`${o.operationId}: its body schema does not say unknown properties are refused`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('states the limits the validation enforces', async () => {
    const op = (id: string) => ops.find((o) => o.operationId === id)!.op;
    const param = (id: string, name: string): Json => (op(id).parameters as Json[]).find((p) => p.name === name) ?? {};
    const schemas = doc.components.schemas;
    for (const o of ops.filter((x) => params(x, 'query').some((p) => p.name === 'page'))) {
      expect(param(o.operationId, 'page').schema).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 1_000_000_000 }));
      expect(param(o.operationId, 'perPage').schema).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 100 }));
    }
    expect(param('getCreditsLeaderboard', 'limit').schema).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 100 }));
    for (const o of ops.filter((x) => params(x, 'header').some((p) => /^idempotency-key$/i.test(p.name)))) {
      expect(params(o, 'header').filter((p) => /^idempotency-key$/i.test(p.name))).toEqual([
        expect.objectContaining({
          name: 'Idempotency-Key',
          required: false,
          schema: expect.objectContaining({ pattern: '^[\\x21-\\x7e]{1,200}$', minLength: 1, maxLength: 200 }),
        }),
      ]);
    }
    const games = (await t.http().get('/api/v1/games')).body.data.map((g: Json) => g.key);
    expect(schemas.CreateServerDto.properties.gameType.enum).toEqual(games);
    expect(param('listServers', 'gameType').schema.enum).toEqual(games);
    expect(new RegExp(schemas.CreateServerDto.properties.name.pattern).test('bad/name')).toBe(false);
    expect(schemas.CreateApiKeyDto.properties.scopes).toEqual(
      expect.objectContaining({
        minItems: 1,
        uniqueItems: true,
        items: expect.objectContaining({ enum: [...SCOPES] }),
      }),
    );
    for (const [schema, field] of [
      ['CreateApiKeyDto', 'expiresInDays'],
      ['ConvertWtgDto', 'wtg'],
      ['GrantWtgDto', 'coins'],
    ]) {
      expect(schemas[schema].properties[field].type).toBe('integer');
    }
    expect(param('receiveRewardCallback', 'provider').schema.enum).toEqual(['offerwall', 'survey', 'video']);
    expect(schemas.ErrorDetail.properties.details.oneOf).toEqual(
      expect.arrayContaining([{ type: 'array', items: { $ref: '#/components/schemas/FieldErrorDoc' } }]),
    );
  });
});
