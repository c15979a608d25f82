import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, type TestUser } from '../support/factories';

/**
 * The exact bytes of the envelope, on success and on every kind of error, pinned in a snapshot taken before the
 * envelope moved out of Nest's interceptor pipeline (issue 19). Only values that differ from run to run (ids,
 * times, the user's Discord id) are replaced by placeholders; key order, spacing and every other byte must match.
 */
describe('Envelope bytes', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    u = await createUser(t, { credits: 100, username: 'golden' });
  });
  afterAll(async () => {
    await t.close();
  });

  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
  const REF = /\(ref [0-9a-f]{8}\)/g;
  const stable = (text: string) =>
    text.replaceAll(u.discordId, '<discordId>').replace(UUID, '<uuid>').replace(TIME, '<time>').replace(REF, '(ref <ref>)');

  /** Status, content type and the raw body as the client received it. */
  async function raw(call: Promise<{ status: number; headers: Record<string, string>; text: string }>): Promise<string> {
    const res = await call;
    return `${res.status} ${res.headers['content-type']}\n${stable(res.text)}`;
  }

  it('answers successes byte for byte as before: objects, pages, creations, idempotent replays and probes', async () => {
    const http = () => t.http();
    const created = http()
      .post('/api/v1/servers')
      .set({ ...u.auth, 'Idempotency-Key': 'golden-create' })
      .send({ name: 'golden', gameType: 'minecraft', start: false });
    const answers = {
      profile: await raw(http().get('/api/v1/users/me').set(u.auth)),
      emptyPage: await raw(http().get('/api/v1/servers?perPage=2').set(u.auth)),
      created: await raw(created),
      replayed: await raw(
        http()
          .post('/api/v1/servers')
          .set({ ...u.auth, 'Idempotency-Key': 'golden-create' })
          .send({ name: 'golden', gameType: 'minecraft', start: false }),
      ),
      page: await raw(http().get('/api/v1/servers?page=1&perPage=2').set(u.auth)),
      liveness: await raw(http().get('/healthz')),
      readiness: await raw(http().get('/readyz')),
    };
    expect(answers).toMatchSnapshot();
  });

  it('answers errors byte for byte as before: validation, JSON, auth, routes, methods, idempotency, size', async () => {
    const http = () => t.http();
    const answers = {
      badQuery: await raw(http().get('/api/v1/servers?perPage=0').set(u.auth)),
      unknownQueryField: await raw(http().get('/api/v1/servers?sort=name').set(u.auth)),
      badBody: await raw(http().post('/api/v1/servers').set(u.auth).send({ name: '', size: 'xl' })),
      notJson: await raw(http().post('/api/v1/servers').set(u.auth).set('Content-Type', 'application/json').send('{"name":')),
      noKey: await raw(http().get('/api/v1/users/me')),
      unknownKey: await raw(
        http().get('/api/v1/users/me').set('Authorization', 'Bearer agis_abcdefabcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      ),
      noRoute: await raw(http().get('/api/v1/nope')),
      wrongMethod: await raw(http().put('/api/v1/servers').set(u.auth).send({})),
      notFound: await raw(http().get('/api/v1/servers/00000000-0000-4000-8000-000000000000').set(u.auth)),
      idempotencyMismatch: await raw(
        http()
          .post('/api/v1/servers')
          .set({ ...u.auth, 'Idempotency-Key': 'golden-create' })
          .send({ name: 'other', gameType: 'minecraft', start: false }),
      ),
      tooLarge: await raw(
        http()
          .post('/api/v1/servers')
          .set(u.auth)
          .send({ name: 'x'.repeat(200_000) }),
      ),
    };
    expect(answers).toMatchSnapshot();
  });
});
