import { randomUUID } from 'node:crypto';
import { headersOnly, isEventStream } from '../support/event-stream';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Operation {
  method: string;
  path: string;
  operationId: string;
  op: Json;
}

// FUZZ_SEED=<n> replays or explores another sequence.
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_a615);
const PER_OPERATION = 30;

/** mulberry32: a small seeded PRNG, so a failure replays exactly with the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -2147483649,
  2 ** 53,
  1e308,
  -1e308,
  1.5,
  '',
  ' ',
  'x',
  '0',
  '-1',
  'null',
  'true',
  '1e999',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 \u202e\u200b',
  'a\u0000b',
  '\u0000',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  '%00%2e%2e',
  '\ud800',
  [],
  [1, 'two', null],
  {},
  { nested: { deeper: [{}] } },
  { __proto__: { polluted: true } },
  { constructor: { prototype: { x: 1 } } },
];
const PATH_VALUES = [
  'not-a-uuid',
  '..',
  '../',
  '..%2F..%2Fusers',
  '%2e%2e',
  '-1',
  '0',
  '1e9',
  'null',
  '%00',
  '%F0%9F%92%A5',
  'a'.repeat(3000),
  '%E0%A4%A',
  ' ',
  '%20',
];
const QUERY_VALUES = ['-1', '0', '1', '2', '100', '101', '1e9', '99999999999999999999', 'abc', '', '1.5', '%', 'null', '[]', 'a'.repeat(2000), '𝔘'];

describe('fuzzing every operation from the OpenAPI document', () => {
  let t: TestApp;
  let owner: TestUser;
  let doc: Json;
  const fixtures: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32', REWARDS_SECRET_OFFERWALL: 'fuzz-offerwall-secret' });
    doc = (await t.http().get('/api/docs-json')).body;
    owner = await createUser(t, { credits: 5000, wtgCoins: 20 });
    const post = async (path: string, body: Json) => (await t.http().post(path).set(owner.auth).send(body)).body.data as Json;
    fixtures.server = (await post('/api/v1/servers', { name: 'fuzzed', gameType: 'minecraft', start: false })).id;
    fixtures.schedule = (await post(`/api/v1/servers/${fixtures.server}/schedules`, { action: 'stop', cron: '0 8 * * *' })).id;
    fixtures.key = (await post('/api/v1/auth/keys', { name: 'spare', scopes: ['profile:read'] })).id;
    fixtures.webhook = (await post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/fuzz', events: ['credits.low'] })).id;
    fixtures.provider = 'offerwall';
    expect(Object.values(fixtures).every(Boolean)).toBe(true);
  });
  afterAll(async () => {
    await t.close();
  });

  const operations = (): Operation[] =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([m]) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
        .map(([m, op]) => ({ method: m.toUpperCase(), path, operationId: (op as Json).operationId as string, op: op as Json })),
    );

  const resolve = (schema: Json | undefined): Json => {
    let s = schema ?? {};
    while (s.$ref) {
      s = doc.components.schemas[(s.$ref as string).split('/').pop()!];
    }
    return s;
  };

  /** A value that fits the schema (examples first), to be mutated from. */
  const valid = (schema: Json | undefined, depth = 0): unknown => {
    const s = resolve(schema);
    if (s.example !== undefined) {
      return s.example;
    }
    if (s.enum) {
      return s.enum[0];
    }
    if (s.allOf) {
      return Object.assign({}, ...(s.allOf as Json[]).map((x) => valid(x, depth + 1)));
    }
    switch (s.type) {
      case 'string':
        return 'fuzz';
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return depth > 3 ? [] : [valid(s.items, depth + 1)];
      default: {
        const out: Json = {};
        for (const [k, v] of Object.entries((s.properties ?? {}) as Json)) {
          out[k] = valid(v, depth + 1);
        }
        return out;
      }
    }
  };

  const mutateBody = (schema: Json | undefined, rnd: () => number): { body: unknown; raw?: string } => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const base = valid(schema);
    const obj = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Json) } : {};
    const keys = Object.keys(obj);
    switch (Math.floor(rnd() * 10)) {
      case 0:
        return { body: base };
      case 1:
        if (keys.length) {
          delete obj[pick(keys)];
        }
        return { body: obj };
      case 2:
        if (keys.length) {
          obj[pick(keys)] = pick(WEIRD_VALUES);
        }
        return { body: obj };
      case 3:
        if (keys.length) {
          obj[pick(keys)] = 'A'.repeat(pick([256, 5000, 60_000, 150_000]));
        }
        return { body: obj };
      case 4:
        obj[pick(['extra', '__proto__', 'constructor', 'isAdmin', 'userId'])] = pick(WEIRD_VALUES);
        return { body: obj };
      case 5:
        return { body: pick([[obj], [], 'a string', 42, null, true]) };
      case 6:
        for (const k of keys) {
          obj[k] = pick(WEIRD_VALUES);
        }
        return { body: obj };
      case 7:
        if (keys.length) {
          obj[pick(keys)] = pick([-1, 0, -0.5, 2 ** 31, 2 ** 53 + 1, 1e21, 1e-7, Number.MAX_SAFE_INTEGER]);
        }
        return { body: obj };
      case 8:
        return { body: undefined, raw: pick(['{', '{"a":', 'null', '[]]', '\u0000', '{"a":1,"a":2}', 'not json at all', '{"x":"\\ud800"}']) };
      default: {
        let deep: unknown = obj;
        for (let i = 0; i < 200; i++) {
          deep = { d: deep };
        }
        return { body: deep };
      }
    }
  };

  /** Row counts and sums of everything a request could change. */
  const snapshot = async () =>
    (
      await t.db.query(`SELECT
      (SELECT count(*) FROM users) AS users, (SELECT sum(credits)::text FROM users) AS credits, (SELECT sum(wtg_coins)::text FROM users) AS wtg,
      (SELECT count(*) FROM api_keys) AS keys, (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL) AS revoked,
      (SELECT count(*) FROM servers) AS servers, (SELECT string_agg(id::text || status || name, ',' ORDER BY id) FROM servers) AS server_states,
      (SELECT count(*) FROM server_schedules) AS schedules,
      (SELECT string_agg(id::text || enabled::text || cron || action || timezone, ',' ORDER BY id) FROM server_schedules) AS schedule_states,
      (SELECT count(*) FROM schedule_executions) AS executions, (SELECT count(*) FROM credit_transactions) AS ledger,
      (SELECT count(*) FROM wtg_transactions) AS wtg_ledger, (SELECT count(*) FROM ad_conversions) AS conversions,
      (SELECT count(*) FROM webhooks) AS webhooks, (SELECT count(*) FROM webhook_deliveries) AS deliveries,
      (SELECT count(*) FROM activity_log) AS activity, (SELECT count(*) FROM idempotency_keys) AS idempotency`)
    )[0] as Json;

  it(`answers ${PER_OPERATION} random requests per operation without a 5xx, in the envelope, changing nothing when refused`, async () => {
    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const problems: string[] = [];
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    let sent = 0;
    // Nothing else writes meanwhile, so the state after one request is the state before the next.
    let last = await snapshot();
    const outcomes = { ok: 0, refused: 0 };
    for (const o of ops) {
      for (let i = 0; i < PER_OPERATION; i++) {
        const path = o.path
          .replace(/\{(\w+)\}/g, (_m, name: string) => {
            const r = rnd();
            if (r < 0.3) {
              return (
                fixtures[name] ??
                fixtures[
                  { id: /servers\/\{id\}/.test(o.path) ? 'server' : /schedules/.test(o.path) ? 'schedule' : /keys/.test(o.path) ? 'key' : 'webhook' }[
                    name
                  ] ?? ''
                ] ??
                'x'
              );
            }
            return r < 0.45 ? randomUUID() : pick(PATH_VALUES);
          })
          .replace(/\{id\}/g, 'x');
        const query = ((o.op.parameters ?? []) as Json[])
          .filter((p) => p.in === 'query')
          .filter(() => rnd() < 0.7)
          .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(pick(QUERY_VALUES))}`);
        if (rnd() < 0.2) {
          query.push(`${pick(['page', 'perPage', 'limit', 'extra', 'status', 'gameType'])}=${encodeURIComponent(pick(QUERY_VALUES))}`);
        }
        const url = `${path}${query.length ? `?${query.join('&')}` : ''}`;
        let req = t.http()[o.method.toLowerCase() as 'get'](url);
        const auth = rnd();
        if (auth < 0.85) {
          req = req.set(owner.auth);
        } else if (auth < 0.9) {
          req = req.set(
            'Authorization',
            pick(['Bearer', 'Bearer x', `Bearer agis_${'a'.repeat(12)}_${'b'.repeat(43)}`, `Basic ${'A'.repeat(8000)}`]),
          );
        }
        if (rnd() < 0.2) {
          req = req.set('Idempotency-Key', pick(['', ' ', 'k'.repeat(201), 'ok-key', 'with space', 'ünï', `fuzz-${i}`]));
        }
        const contentType = rnd();
        let mutation: ReturnType<typeof mutateBody> | undefined;
        if (o.op.requestBody || rnd() < 0.1) {
          mutation = mutateBody(o.op.requestBody?.content?.['application/json']?.schema, rnd);
          if (contentType < 0.1) {
            req = req.set(
              'Content-Type',
              pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/xml', 'multipart/form-data']),
            );
            req = req.send(mutation.raw ?? JSON.stringify(mutation.body ?? null));
          } else if (mutation.raw !== undefined) {
            req = req.set('Content-Type', 'application/json').send(mutation.raw);
          } else if (mutation.body !== undefined) {
            req = req.set('Content-Type', 'application/json').send(JSON.stringify(mutation.body));
          }
        }
        // An event stream stays open for as long as the query asks: its status and headers are the answer.
        const res = await (isEventStream(o.op) ? req.buffer(false).parse(headersOnly) : req);
        sent += 1;
        outcomes[res.status < 300 ? 'ok' : 'refused'] += 1;
        const label = `${o.method} ${url.slice(0, 120)} ${JSON.stringify(mutation?.body ?? mutation?.raw ?? null)?.slice(0, 160)}`;
        if (res.status >= 500) {
          problems.push(`${res.status} for ${label}: ${JSON.stringify(res.body).slice(0, 200)}`);
        }
        if (res.status >= 300) {
          const b = res.body as Json;
          if (!(b && b.success === false && typeof b.error?.code === 'string' && typeof b.error?.message === 'string')) {
            problems.push(`no error envelope (${res.status}) for ${label}: ${res.text?.slice(0, 200)}`);
          }
        }
        // A body sent to an operation that takes none is outside its documented inputs; anything else
        // the operation answers must be one of its documented statuses.
        // So is a blank path segment: the client sends `/servers/` for `/servers/{id}`, another path.
        const offDocument = (mutation !== undefined && !o.op.requestBody) || /\/(\/|\s*$|\s*\?)/.test(url.replace(/^https?:\/\/[^/]+/, ''));
        if (!offDocument && res.status < 500 && !o.op.responses?.[String(res.status)]) {
          problems.push(`undocumented ${res.status} (${res.body?.error?.code}) for ${label}`);
        }
        if (res.status < 300 && o.operationId === 'runSchedule') {
          // Run-now finishes in the background: let it settle so it is not mistaken for a later request's change.
          await pollUntil(
            async () => (await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE status = 'running'`))[0].n as number,
            (n) => n === 0,
            { what: 'the manual run to finish' },
          );
        }
        const now = await snapshot();
        if (res.status >= 300 && JSON.stringify(now) !== JSON.stringify(last)) {
          problems.push(`refused (${res.status}) but changed data: ${label}`);
        }
        last = now;
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBe(ops.length * PER_OPERATION);
    // Both sides were exercised: requests that got through and requests that were refused.
    expect(outcomes.ok).toBeGreaterThan(sent / 20);
    expect(outcomes.refused).toBeGreaterThan(sent / 2);
  }, 300_000);
});
