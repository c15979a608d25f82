import { createHmac } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope } from '../support/factories';
import { expectCredits } from '../support/ledger-checks';

const SECRET = 'offerwall-signature-first-secret';
const sign = (raw: string) => createHmac('sha256', SECRET).update(raw).digest('hex');
const REFUSED = /^agis_ad_conversions_total\{provider="offerwall",type="unverified",status="rejected"\} (\d+)$/m;

/** The README: the signature is checked over the raw body before the body is read. */
describe('reward callbacks check the signature before reading the body', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REWARDS_SECRET_OFFERWALL: SECRET });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (raw: string, signature?: string, contentType = 'application/json') => {
    const req = t.http().post('/api/v1/rewards/callbacks/offerwall').set('Content-Type', contentType);
    return (signature === undefined ? req : req.set('X-Agis-Signature', signature)).send(raw);
  };
  // The series appears with the first refusal.
  const refusedCount = async () => Number(REFUSED.exec((await t.http().get('/metrics')).text)?.[1] ?? 0);

  it('answers an unsigned or wrongly signed malformed body with 401 and counts it as a bad signature', async () => {
    const before = await refusedCount();
    const unsigned = await post('{"conversionId": ');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toEqual(errorEnvelope('UNAUTHENTICATED', /X-Agis-Signature/));
    const wrong = await post('not json at all', sign('something else'));
    expect(wrong.status).toBe(401);
    const notJsonType = await post('{"a":', undefined, 'text/plain');
    expect(notJsonType.status).toBe(401);
    expect(await refusedCount()).toBe(before + 3);
  });

  it('answers a correctly signed body that is not JSON with 400, not counted as a bad signature', async () => {
    const before = await refusedCount();
    const raw = '{"conversionId": "cv-1", ';
    const res = await post(raw, sign(raw));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', 'Request body is not valid JSON'));
    expect(await refusedCount()).toBe(before);
  });

  it('still credits a correctly signed callback, verified over the exact bytes sent', async () => {
    const u = await createUser(t, { credits: 0 });
    const raw = `{ "amount": 40,  "discordId": "${u.discordId}", "conversionId": "cv-exact-bytes" }`;
    const res = await post(raw, sign(raw));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(expect.objectContaining({ status: 'completed', credited: 40 }));
    await expectCredits(t, u.userId, 40);
  });

  it('refuses a body over the size limit with 413 before reading it', async () => {
    const res = await post(JSON.stringify({ pad: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorEnvelope('PAYLOAD_TOO_LARGE'));
  });
});
