import { createHmac } from 'node:crypto';
import { RewardsMetrics } from '../../src/rewards/rewards.metrics';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, snowflake, type TestUser } from '../support/factories';
import { balanceOf, expectLedgerConsistent } from '../support/ledger-checks';

const SECRETS = { offerwall: 'offerwall-test-secret-1234567890', video: 'video-test-secret-0987654321' };
const sign = (secret: string, raw: string) => createHmac('sha256', secret).update(raw).digest('hex');

describe('ad-reward callbacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      REWARDS_SECRET_OFFERWALL: SECRETS.offerwall,
      REWARDS_SECRET_VIDEO: SECRETS.video,
      REWARDS_MAX_PER_HOUR: '3',
      REWARDS_MAX_AMOUNT: '5000',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  let seq = 0;
  const conversionId = () => `cv-${Date.now()}-${++seq}`;
  /** Posts the exact bytes, signed (or with the signature given). */
  const callback = (provider: string, body: object | string, signature?: string | null) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const req = t.http().post(`/api/v1/rewards/callbacks/${provider}`).set('Content-Type', 'application/json');
    const sig = signature === undefined ? sign(SECRETS[provider as keyof typeof SECRETS] ?? 'none', raw) : signature;
    return (sig === null ? req : req.set('X-Agis-Signature', sig)).send(raw);
  };
  const balance = (u: TestUser) => balanceOf(t, u.userId);
  const conversions = (u: TestUser) =>
    t.db.query(
      'SELECT provider, conversion_id, type, amount::int, status, reason, latency_ms FROM ad_conversions WHERE discord_id = $1 ORDER BY id',
      [u.discordId],
    );

  describe('authentication', () => {
    it('refuses an unknown provider and a provider without a configured secret with 404', async () => {
      const res = await callback('lottery', { conversionId: 'x', discordId: '123456789012345678', amount: 1 }, 'a'.repeat(64));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorEnvelope('NOT_FOUND', /offerwall, survey, video/));
      const survey = await callback('survey', { conversionId: 'x', discordId: '123456789012345678', amount: 1 }, 'a'.repeat(64));
      expect(survey.status).toBe(404);
      expect(survey.body).toEqual(errorEnvelope('NOT_FOUND', /survey is not enabled/));
    });

    it('refuses a tampered body, a wrong or missing signature with 401 and stores or credits nothing', async () => {
      const u = await createUser(t, { credits: 10 });
      const body = { conversionId: conversionId(), discordId: u.discordId, amount: 150 };
      const raw = JSON.stringify(body);
      const tampered = await callback('offerwall', JSON.stringify({ ...body, amount: 5000 }), sign(SECRETS.offerwall, raw));
      expect(tampered.status).toBe(401);
      expect(tampered.body).toEqual(errorEnvelope('UNAUTHENTICATED', /X-Agis-Signature/));
      const otherSecret = await callback('offerwall', raw, sign(SECRETS.video, raw));
      const flipped = sign(SECRETS.offerwall, raw).replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const wrongSig = await callback('offerwall', raw, flipped);
      const missing = await callback('offerwall', raw, null);
      expect([otherSecret.status, wrongSig.status, missing.status]).toEqual([401, 401, 401]);
      expect(await conversions(u)).toEqual([]);
      expect(await balance(u)).toBe(10);

      // The refused attempts did not burn the conversion id: the genuine callback still credits.
      const genuine = await callback('offerwall', raw);
      expect(genuine.status).toBe(200);
      expect(genuine.body.data.status).toBe('completed');
      expect(await balance(u)).toBe(160);
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('crediting', () => {
    it('credits a valid conversion once, through the ledger, and counts it in the stats', async () => {
      const u = await createUser(t, { credits: 100 });
      const id = conversionId();
      const res = await callback('video', { conversionId: id, discordId: u.discordId, amount: 150, placement: 'home-screen' });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        provider: 'video',
        conversionId: id,
        discordId: u.discordId,
        type: 'video',
        status: 'completed',
        reason: null,
        credited: 150,
        replayed: false,
      });
      expect(await balance(u)).toBe(250);
      const ledger = await t.db.query('SELECT amount::int, reason, idempotency_key FROM credit_transactions WHERE user_id = $1 ORDER BY id', [
        u.userId,
      ]);
      expect(ledger[1]).toEqual({ amount: 150, reason: 'ad_reward', idempotency_key: `reward:video:${id}` });
      const stats = await t.http().get('/api/v1/users/me/stats').set(u.auth);
      expect(stats.body.data).toMatchObject({ adConversions: 1, creditsEarned: 250 });
      await expectLedgerConsistent(t, u.userId);
    });

    it('answers a replay with the original result and credits nothing more', async () => {
      const u = await createUser(t);
      const body = { conversionId: conversionId(), discordId: u.discordId, amount: 300 };
      const first = await callback('offerwall', body);
      const again = await callback('offerwall', body);
      // Same conversion, re-serialised differently and re-signed: still the same conversion.
      const reordered = await callback('offerwall', `{ "amount": 300, "discordId": "${u.discordId}", "conversionId": "${body.conversionId}" }`);
      for (const res of [again, reordered]) {
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual({ ...first.body.data, replayed: true });
      }
      expect(await balance(u)).toBe(300);
      expect(await conversions(u)).toHaveLength(1);
      await expectLedgerConsistent(t, u.userId);
    });

    it('credits once when the provider fires the same callback 10 times at once', async () => {
      const u = await createUser(t);
      const body = { conversionId: conversionId(), discordId: u.discordId, amount: 70 };
      const results = await Promise.all(Array.from({ length: 10 }, () => callback('offerwall', body)));
      expect(results.every((r) => r.status === 200 && r.body.data.status === 'completed')).toBe(true);
      expect(results.filter((r) => !r.body.data.replayed)).toHaveLength(1);
      expect(await balance(u)).toBe(70);
      await expectLedgerConsistent(t, u.userId);
    });

    it('stores the latency from the provider timestamp when given', async () => {
      const u = await createUser(t);
      // Sent an hour ago by the provider's clock: our own processing time could never come near that.
      const res = await callback('video', {
        conversionId: conversionId(),
        discordId: u.discordId,
        amount: 5,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(res.status).toBe(200);
      const [row] = await conversions(u);
      expect(row.latency_ms).toBeGreaterThanOrEqual(3_599_000);
    });
  });

  describe('fraud rules', () => {
    it('marks the conversion after N in an hour as velocity fraud and credits nothing for it', async () => {
      const u = await createUser(t);
      const results = [];
      for (let i = 0; i < 4; i++) {
        results.push(await callback('offerwall', { conversionId: conversionId(), discordId: u.discordId, amount: 100 }));
      }
      expect(results.map((r) => [r.body.data.status, r.body.data.reason, r.body.data.credited])).toEqual([
        ['completed', null, 100],
        ['completed', null, 100],
        ['completed', null, 100],
        ['fraud', 'velocity', 0],
      ]);
      expect(await balance(u)).toBe(300);
      // The window slides: once the first three are older than an hour, the next one is credited.
      await t.db.query(`UPDATE ad_conversions SET created_at = created_at - interval '61 minutes' WHERE discord_id = $1`, [u.discordId]);
      const later = await callback('offerwall', { conversionId: conversionId(), discordId: u.discordId, amount: 100 });
      expect(later.body.data.status).toBe('completed');
      expect(await balance(u)).toBe(400);
      await expectLedgerConsistent(t, u.userId);
    });

    it('never lets parallel callbacks of one user outrun the velocity rule', async () => {
      const u = await createUser(t);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => callback('video', { conversionId: conversionId(), discordId: u.discordId, amount: 10 })),
      );
      const statuses = results.map((r) => r.body.data.status);
      expect(statuses.filter((s) => s === 'completed')).toHaveLength(3);
      expect(statuses.filter((s) => s === 'fraud')).toHaveLength(5);
      expect(await balance(u)).toBe(30);
      await expectLedgerConsistent(t, u.userId);
    });

    it('marks a reward above the ceiling as amount_ceiling fraud; the ceiling itself is fine', async () => {
      const u = await createUser(t);
      const above = await callback('video', { conversionId: conversionId(), discordId: u.discordId, amount: 5001 });
      expect(above.status).toBe(200);
      expect(above.body.data).toMatchObject({ status: 'fraud', reason: 'amount_ceiling', credited: 0 });
      const at = await callback('video', { conversionId: conversionId(), discordId: u.discordId, amount: 5000 });
      expect(at.body.data).toMatchObject({ status: 'completed', credited: 5000 });
      expect(await balance(u)).toBe(5000);
      expect((await conversions(u)).map((c: { status: string; amount: number }) => [c.status, c.amount])).toEqual([
        ['fraud', 5001],
        ['completed', 5000],
      ]);
      await expectLedgerConsistent(t, u.userId);
    });

    it('marks a conversion for an unknown Discord user as unknown_user fraud', async () => {
      const stranger = snowflake();
      const res = await callback('offerwall', { conversionId: conversionId(), discordId: stranger, amount: 10 });
      expect(res.body.data).toMatchObject({ status: 'fraud', reason: 'unknown_user', credited: 0 });
      const rows = await t.db.query('SELECT user_id, status FROM ad_conversions WHERE discord_id = $1', [stranger]);
      expect(rows).toEqual([{ user_id: null, status: 'fraud' }]);
      expect(await t.db.query('SELECT 1 FROM users WHERE discord_id = $1', [stranger])).toEqual([]);
    });

    it('marks a conversion id reused for another user as conversion_reused fraud; the first user keeps the credit', async () => {
      const first = await createUser(t);
      const second = await createUser(t);
      const id = conversionId();
      expect((await callback('offerwall', { conversionId: id, discordId: first.discordId, amount: 200 })).body.data.status).toBe('completed');
      const reused = await callback('offerwall', { conversionId: id, discordId: second.discordId, amount: 200 });
      expect(reused.body.data).toMatchObject({ status: 'fraud', reason: 'conversion_reused', credited: 0, replayed: false });
      expect([await balance(first), await balance(second)]).toEqual([200, 0]);
      // Another provider has its own id space.
      expect((await callback('video', { conversionId: id, discordId: second.discordId, amount: 200 })).body.data.status).toBe('completed');
      await expectLedgerConsistent(t, first.userId);
      await expectLedgerConsistent(t, second.userId);
    });
  });

  describe('records', () => {
    it("keep a deleted user's conversions for the fraud record, detached from the user", async () => {
      const u = await createUser(t);
      const id = conversionId();
      expect((await callback('video', { conversionId: id, discordId: u.discordId, amount: 25 })).body.data.status).toBe('completed');
      await t.db.query(`INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour) VALUES ($1, 'gone', 'minecraft', 'stopped', 30)`, [
        u.userId,
      ]);
      await t.db.query('DELETE FROM users WHERE id = $1', [u.userId]);
      expect(await conversions(u)).toEqual([expect.objectContaining({ conversion_id: id, status: 'completed', amount: 25 })]);
      const [row] = await t.db.query('SELECT user_id, credit_transaction_id FROM ad_conversions WHERE conversion_id = $1', [id]);
      expect(row).toEqual({ user_id: null, credit_transaction_id: null });
      // A replay after the deletion still answers with the stored result and credits no one.
      const replay = await callback('video', { conversionId: id, discordId: u.discordId, amount: 25 });
      expect(replay.body.data).toMatchObject({ status: 'completed', replayed: true });
    });
  });

  describe('payload problems', () => {
    it('stores a signed but unusable conversion as rejected, and answers 400 when there is no conversion id', async () => {
      const u = await createUser(t);
      const id = conversionId();
      const res = await callback('offerwall', { conversionId: id, discordId: u.discordId, amount: -5 });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ conversionId: id, status: 'rejected', reason: 'invalid_payload', credited: 0 });
      const noId = await callback('offerwall', { discordId: u.discordId, amount: 5 });
      expect(noId.status).toBe(400);
      expect(noId.body).toEqual(errorEnvelope('VALIDATION_FAILED', /conversionId/));
      const notJson = await callback('offerwall', '{"conversionId": ');
      expect(notJson.status).toBe(400);
      expect(await balance(u)).toBe(0);
      // The first answer for a conversion id stands: a corrected resend under the same id replays the rejection.
      const resent = await callback('offerwall', { conversionId: id, discordId: u.discordId, amount: 5 });
      expect(resent.body.data).toMatchObject({ status: 'rejected', reason: 'invalid_payload', credited: 0, replayed: true });
      const noUser = await callback('offerwall', { conversionId: conversionId(), discordId: 'someone', amount: 5 });
      expect(noUser.body.data).toMatchObject({ status: 'rejected', reason: 'invalid_payload', discordId: '' });
      expect(await balance(u)).toBe(0);
      await expectLedgerConsistent(t, u.userId);
    });
  });

  describe('metrics', () => {
    const scrape = async () => (await t.http().get('/metrics')).text;
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.split(' ')[1]) : undefined;
    };

    it('exports conversions, rewards, fraud, latency and a bounded top-earners gauge', async () => {
      const before = await scrape();
      const u = await createUser(t, { username: 'rich_player' });
      await callback('video', { conversionId: conversionId(), discordId: u.discordId, amount: 4000 });
      await callback('video', { conversionId: conversionId(), discordId: u.discordId, amount: 9999 });
      await callback('video', '{"conversionId":"bad-sig","discordId":"1","amount":1}', 'f'.repeat(64));
      await t.app.get(RewardsMetrics).refreshTopEarners();
      const after = await scrape();
      const delta = (series: string) => (value(after, series) ?? 0) - (value(before, series) ?? 0);
      expect(delta('agis_ad_conversions_total{provider="video",type="video",status="completed"}')).toBe(1);
      expect(delta('agis_ad_conversions_total{provider="video",type="video",status="fraud"}')).toBe(1);
      expect(delta('agis_ad_conversions_total{provider="video",type="unverified",status="rejected"}')).toBe(1);
      expect(delta('agis_ad_rewards_total{provider="video",type="video"}')).toBe(4000);
      expect(delta('agis_ad_fraud_total{provider="video",reason="amount_ceiling"}')).toBe(1);
      expect(delta('agis_ad_callback_latency_seconds_count{provider="video"}')).toBe(2);
      // This user earned the most in this file (5000 from the ceiling test is the other big one).
      const ranks = after.split('\n').filter((l) => l.startsWith('agis_ad_top_earner_rewards_24h{'));
      expect(Number(ranks.find((l) => l.startsWith('agis_ad_top_earner_rewards_24h{rank="1",'))?.split(' ')[1])).toBe(5000);
      expect(ranks.length).toBeGreaterThan(1);
      expect(ranks.length).toBeLessThanOrEqual(10);
      // Rank and Discord username, nothing else (no ids).
      expect(ranks.every((l) => /^agis_ad_top_earner_rewards_24h\{rank="\d+",user="[^"]+"\} \d+$/.test(l))).toBe(true);
      expect(ranks).toContainEqual(expect.stringMatching(new RegExp(`^agis_ad_top_earner_rewards_24h\\{rank="\\d+",user="rich_player"\\} 4000$`)));
      expect(after).not.toContain(u.discordId);
    });
  });
});
