import { type DestinationStream } from 'pino';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';

interface LogLine {
  msg: string;
  req?: { id: string; method: string; url: string };
  reference?: string;
  responseTime?: number;
  res?: { statusCode: number };
}

/**
 * The request id reaches every log line written while a request is served (issue 19 made request logging cheap: one
 * line at the end, and the request's context read only when a line is written). An admin's WTG grant logs a line
 * of its own after several awaits (a transaction), which is where a context would be lost.
 */
describe('request ids in the logs', () => {
  let t: TestApp;
  let admin: TestUser;
  const lines: LogLine[] = [];
  const logs: DestinationStream = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' }, { logs });
    admin = await createUser(t, { scopes: ['admin'] });
  });
  afterAll(async () => {
    await t.close();
  });

  const grant = (requestId: string | undefined, discordId: string, reference: string) => {
    const call = t.http().post('/api/v1/admin/wtg/grant').set(admin.auth);
    return (requestId ? call.set('X-Request-Id', requestId) : call).send({ discordId, coins: 5, reference });
  };
  const linesOf = (id: string) => lines.filter((l) => l.req?.id === id);

  it('puts the id of each of many concurrent requests on every line written while serving it, and on its closing line', async () => {
    const u = await createUser(t);
    const ids = Array.from({ length: 8 }, (_, i) => `grant-${i}`);
    const answers = await Promise.all(ids.map((id) => grant(id, u.discordId, `ref-${id}`)));
    expect(answers.map((a) => [a.status, a.headers['x-request-id']])).toEqual(ids.map((id) => [200, id]));
    await pollUntil(() => ids.every((id) => linesOf(id).some((l) => l.msg === 'request completed')), { what: 'the closing lines' });
    for (const id of ids) {
      const own = linesOf(id);
      expect(own.map((l) => l.msg)).toEqual(['WTG coins granted', 'request completed']);
      // The grant's line carries its own request's reference: no line picked up another request's id.
      expect(own[0].reference).toBe(`ref-${id}`);
      expect(own[1]).toMatchObject({ req: { id, method: 'POST', url: '/api/v1/admin/wtg/grant' }, res: { statusCode: 200 } });
      expect(own[1].responseTime).toEqual(expect.any(Number));
    }
    const granted = lines.filter((l) => l.msg === 'WTG coins granted');
    expect(granted.filter((l) => l.req === undefined)).toEqual([]);
  });

  it('makes an id when the client sends none (or an unusable one), echoes it, and logs with it', async () => {
    const u = await createUser(t);
    const made = await grant(undefined, u.discordId, 'ref-made');
    const odd = await grant('has spaces and ümlauts', u.discordId, 'ref-odd');
    for (const res of [made, odd]) {
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await pollUntil(() => linesOf(id).length === 2, { what: `the lines of ${id}` });
      expect(linesOf(id).map((l) => l.msg)).toEqual(['WTG coins granted', 'request completed']);
    }
  });

  it('writes no line for probes and metrics, and never a header or key', async () => {
    const before = lines.length;
    await t.http().get('/healthz');
    await t.http().get('/metrics');
    const me = await t.http().get('/api/v1/users/me').set(admin.auth).set('X-Request-Id', 'me-1');
    await pollUntil(() => linesOf('me-1').length === 1, { what: 'the profile line' });
    expect(lines.slice(before).map((l) => [l.req?.url, l.msg])).toEqual([['/api/v1/users/me', 'request completed']]);
    expect(me.status).toBe(200);
    expect(JSON.stringify(lines)).not.toContain(admin.key.split('_')[2]);
  });
});
