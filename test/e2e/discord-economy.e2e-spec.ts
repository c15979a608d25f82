import { createHmac } from 'node:crypto';
import type { APIEmbed } from 'discord-api-types/v10';
import { CreditsService } from '../../src/credits/credits.service';
import { WtgLedgerService } from '../../src/credits/wtg-ledger.service';
import { COLORS } from '../../src/discord/embeds';
import { type FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse, type CommandInput } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { commandLimitViolations } from '../support/discord-command-limits';
import { classesWithoutDiscordErrorFilter, type DiscordTestBot, discordUserWithCredits, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { type TestApp } from '../support/test-app';

const OFFERWALL_SECRET = 'offerwall-secret-0123456789abcdef';
const OFFER_URLS = {
  offerwall: 'https://wall.example.com/offers?sub_id={discordId}&src=agis',
  survey: 'https://surveys.example.com/u/{discordId}',
  // No REWARDS_SECRET_VIDEO: its callbacks could not be verified, so it is not offered.
  video: 'https://video.example.com/watch?uid={discordId}',
};

interface Button {
  type: number;
  style: number;
  label?: string;
  custom_id?: string;
  url?: string;
  disabled?: boolean;
}

const field = (embed: APIEmbed, name: string) => embed.fields?.find((f) => f.name === name)?.value;
const buttonsOf = (r: BotResponse): Button[] => (r.components as Array<{ components: Button[] }>).flatMap((row) => row.components);
/** `**+23 GC** Test grant · <t:…:R> · balance 276 GC` → 23 (signed). */
const amountsOf = (r: BotResponse): number[] =>
  (r.embeds[0].description ?? '').split('\n').map((line) => {
    const m = /^\*\*([+-])([\d,]+) (?:GC|WTG)\*\*/.exec(line);
    if (!m) {
      throw new Error(`Not a ledger line: ${line}`);
    }
    return (m[1] === '-' ? -1 : 1) * Number(m[2].replace(/,/g, ''));
  });

describe('Discord economy: /gift, /earn and /transactions through discord.js + necord against the fake Discord', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    bot = await startDiscordTestApp({
      DIRECT_MESSAGES_TICK_MS: '50',
      GIFT_DAILY_LIMIT_GC: '1000',
      REWARDS_SECRET_OFFERWALL: OFFERWALL_SECRET,
      REWARDS_OFFER_URL_OFFERWALL: OFFER_URLS.offerwall,
      REWARDS_SECRET_SURVEY: 'survey-secret-0123456789abcdef',
      REWARDS_OFFER_URL_SURVEY: OFFER_URLS.survey,
      REWARDS_OFFER_URL_VIDEO: OFFER_URLS.video,
    });
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  const run = (user: FakeUser, name: string, options?: CommandInput['options']) => fake.sendCommand({ user, name, options }).final();
  const asDiscord = (u: TestUser, username: string): FakeUser => ({ id: u.discordId, username });
  const userIdOf = async (u: FakeUser): Promise<string> => (await t.db.query('SELECT id::text AS id FROM users WHERE discord_id = $1', [u.id]))[0].id;
  const dms = (u: FakeUser) => (fake.directMessages.get(u.id) ?? []).map((m) => (m.embeds as APIEmbed[])[0]);
  const giftDmStatuses = async (userId: string) =>
    (await t.db.query(`SELECT dm_status FROM user_events WHERE user_id = $1 AND event = 'credits.gift_received' ORDER BY id`, [userId])).map(
      (r: { dm_status: string }) => r.dm_status,
    );
  const expectError = (r: BotResponse, message: string) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0]).toMatchObject({ color: COLORS.error, description: message });
  };

  describe('command tree', () => {
    it("registers /gift, /earn and /transactions within Discord's limits, their errors routed through the Discord error filter", () => {
      expect(commandLimitViolations(fake.commands)).toEqual([]);
      const command = (name: string) => fake.commands.find((c) => c.name === name);
      expect(command('gift')?.options).toEqual([
        expect.objectContaining({ name: 'user', type: 6, required: true }),
        expect.objectContaining({ name: 'amount', type: 4, required: true, min_value: 1 }),
        expect.objectContaining({ name: 'note', type: 3, required: false, max_length: 200 }),
      ]);
      expect(command('earn')?.options ?? []).toEqual([]);
      expect(command('transactions')?.options).toEqual([
        expect.objectContaining({
          name: 'currency',
          type: 3,
          required: false,
          choices: [
            { name: 'GameCredits (GC)', value: 'gc' },
            { name: 'WTG coins', value: 'wtg' },
          ],
        }),
      ]);
      expect(classesWithoutDiscordErrorFilter(t.app)).toEqual([]);
    });
  });

  describe('/gift', () => {
    const alice = fakeUser('alice');
    const bob = fakeUser('bob_the_builder');
    let aliceId: string;
    let bobId: string;
    beforeAll(async () => {
      aliceId = await discordUserWithCredits(bot, alice, 1000);
      await run(bob, 'credits');
      bobId = await userIdOf(bob);
    });

    it('gives GC to another player: an ephemeral confirmation, both ledger rows, and a direct message to them', async () => {
      const reply = await run(alice, 'gift', { user: bob.id, amount: 250, note: 'gg *wp*' });
      expect(reply).toMatchObject({ type: 4, ephemeral: true });
      expect(reply.embeds[0]).toMatchObject({ title: '✅ Gift sent', description: `250 GC to <@${bob.id}>.\n> gg \\*wp\\*` });
      expect(field(reply.embeds[0], 'Balance')).toBe('750 GC');
      expect(field(reply.embeds[0], 'Left to give today')).toBe('750 GC of 1,000 GC');
      await expectCredits(t, aliceId, 750);
      await expectCredits(t, bobId, 250);

      const [dm] = await pollUntil(() => (dms(bob).length >= 1 ? dms(bob) : undefined), { what: "bob's gift message" });
      expect(dm).toMatchObject({
        color: COLORS.success,
        title: '🎁 You received 250 GC',
        description: `From **alice** (<@${alice.id}>):\n> gg \\*wp\\*`,
        footer: { text: '/transactions shows your history · /notifications to turn these off' },
      });
      await pollUntil(async () => ((await giftDmStatuses(bobId)).includes('sent') ? true : undefined), { what: 'the message to be marked sent' });
      expect(dms(alice)).toEqual([]);

      // Both histories name the other player.
      const sent = await run(alice, 'transactions');
      expect(sent.embeds[0].description?.split('\n')[0]).toMatch(
        new RegExp(`^\\*\\*-250 GC\\*\\* Gift sent to <@${bob.id}> · <t:\\d+:R> · balance 750 GC$`),
      );
      const received = await run(bob, 'transactions');
      expect(received.embeds[0].description).toMatch(
        new RegExp(`^\\*\\*\\+250 GC\\*\\* Gift received from <@${alice.id}> · <t:\\d+:R> · balance 250 GC$`),
      );
    });

    it('refuses, ephemerally and moving nothing: a gift to yourself, to someone who never used agis, over the balance, over what is left today', async () => {
      expectError(await run(alice, 'gift', { user: alice.id, amount: 10 }), 'You cannot send a gift to yourself');

      const carol = fakeUser('carol');
      expectError(
        await run(alice, 'gift', { user: carol.id, amount: 10 }),
        `No agis user has Discord id ${carol.id}: they need to use the bot once before they can receive gifts`,
      );
      expect(await t.db.query('SELECT 1 FROM users WHERE discord_id = $1', [carol.id])).toEqual([]);

      expectError(
        await run(alice, 'gift', { user: bob.id, amount: 751 }),
        'Daily gift limit: you can give 750 GC more today (1,000 GC a day, 250 GC given), not 751 GC; it starts over at 00:00 UTC',
      );

      const dave = fakeUser('dave');
      const daveId = await discordUserWithCredits(bot, dave, 30);
      expectError(await run(dave, 'gift', { user: bob.id, amount: 31 }), 'Not enough GameCredits: 31 GC needed, 30 GC available');

      await expectCredits(t, aliceId, 750);
      await expectCredits(t, bobId, 250);
      await expectCredits(t, daveId, 30);
      expect(await giftDmStatuses(bobId)).toHaveLength(1);
    });

    it('gives to a player who turned direct messages off without messaging them', async () => {
      await run(bob, 'notifications', { direct_messages: false });
      const reply = await run(alice, 'gift', { user: bob.id, amount: 5 });
      expect(reply.embeds[0].title).toBe('✅ Gift sent');
      await pollUntil(async () => ((await giftDmStatuses(bobId)).at(-1) === 'skipped' ? true : undefined), { what: 'the message to be skipped' });
      expect(dms(bob)).toHaveLength(1);
      await expectCredits(t, bobId, 255);
      await expectLedgerConsistent(t, aliceId);
    });
  });

  describe('/earn and GET /rewards/offers', () => {
    it("offers a link button per enabled ad network carrying the user's Discord id: the same links as the API", async () => {
      const u = await createUser(t);
      const reply = await run(asDiscord(u, 'erin'), 'earn');
      expect(reply).toMatchObject({ type: 4, ephemeral: true });
      expect(reply.embeds[0].title).toBe('💸 Earn GameCredits');
      const links = [
        { type: 2, style: 5, label: 'Offerwall', url: `https://wall.example.com/offers?sub_id=${u.discordId}&src=agis` },
        { type: 2, style: 5, label: 'Surveys', url: `https://surveys.example.com/u/${u.discordId}` },
      ];
      expect(buttonsOf(reply)).toEqual(links);

      const api = await t.http().get('/api/v1/rewards/offers').set(u.auth);
      expect(api.status).toBe(200);
      expect(api.body.data).toEqual([
        { provider: 'offerwall', type: 'offer', label: 'Offerwall', url: links[0].url },
        { provider: 'survey', type: 'survey', label: 'Surveys', url: links[1].url },
      ]);
    });

    it("the network's callback for the id in the link credits the user who opened it", async () => {
      const u = await createUser(t);
      const [offerwall] = buttonsOf(await run(asDiscord(u, 'frank'), 'earn'));
      const discordId = new URL(offerwall.url ?? '').searchParams.get('sub_id');
      const raw = JSON.stringify({ conversionId: `cv-earn-${u.discordId}`, discordId, amount: 150 });
      const res = await t
        .http()
        .post('/api/v1/rewards/callbacks/offerwall')
        .set('Content-Type', 'application/json')
        .set('X-Agis-Signature', createHmac('sha256', OFFERWALL_SECRET).update(raw).digest('hex'))
        .send(raw);
      expect(res.body.data).toMatchObject({ status: 'completed', credited: 150 });
      await expectCredits(t, u.userId, 150);
    });

    it('GET /rewards/offers needs a key with profile:read', async () => {
      expect((await t.http().get('/api/v1/rewards/offers')).status).toBe(401);
      const writer = await createUser(t, { scopes: ['credits:write'] });
      const res = await t.http().get('/api/v1/rewards/offers').set(writer.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN', /profile:read/));
    });
  });

  describe('/transactions', () => {
    let owner: TestUser;
    let me: FakeUser;
    beforeAll(async () => {
      owner = await createUser(t);
      me = asDiscord(owner, 'gina');
      // Row ids that go from 3 to 4 digits (990…1012): a page sorted by the id as text would come out of order.
      await t.db.query(
        `SELECT setval(pg_get_serial_sequence('credit_transactions', 'id'), greatest(989, (SELECT max(id) FROM credit_transactions)))`,
      );
      for (let i = 1; i <= 23; i++) {
        await t.app.get(CreditsService).grant(owner.userId, i, 'test_grant');
      }
    });
    const restPage = async (page: number) =>
      (await t.http().get(`/api/v1/users/me/transactions?page=${page}&perPage=10`).set(owner.auth)).body.data.map(
        (r: { amount: number }) => r.amount,
      );
    const press = (user: FakeUser, from: BotResponse, label: string) => {
      const button = buttonsOf(from).find((b) => b.label === label);
      return fake.pressButton({ user, customId: button?.custom_id ?? '', message: from.message });
    };

    it('pages through the GC ledger with Previous / Next: the same pages as GET /users/me/transactions', async () => {
      const first = await run(me, 'transactions');
      expect(first).toMatchObject({ type: 4, ephemeral: true });
      expect(first.embeds[0].title).toBe('📜 GameCredits history');
      expect(first.embeds[0].footer?.text).toBe('Page 1 of 3 · 23 transactions · newest first');
      expect(first.embeds[0].description?.split('\n')[0]).toMatch(/^\*\*\+23 GC\*\* Test grant · <t:\d+:R> · balance 276 GC$/);
      expect(amountsOf(first)).toEqual(await restPage(1));
      expect(buttonsOf(first)).toEqual([
        expect.objectContaining({ label: 'Previous', disabled: true, custom_id: `transactions/page/gc/0/${me.id}` }),
        expect.objectContaining({ label: 'Next', disabled: false, custom_id: `transactions/page/gc/2/${me.id}` }),
      ]);

      const second = await press(me, first, 'Next').final();
      expect(second).toMatchObject({ type: 7 });
      expect(second.embeds[0].footer?.text).toBe('Page 2 of 3 · 23 transactions · newest first');
      expect(amountsOf(second)).toEqual(await restPage(2));
      expect(buttonsOf(second).map((b) => b.disabled)).toEqual([false, false]);

      const third = await press(me, second, 'Next').final();
      expect(amountsOf(third)).toEqual([3, 2, 1]);
      expect(amountsOf(third)).toEqual(await restPage(3));
      expect(buttonsOf(third).map((b) => b.disabled)).toEqual([false, true]);

      expect([...amountsOf(first), ...amountsOf(second), ...amountsOf(third)]).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));

      const back = await press(me, third, 'Previous').final();
      expect(back.embeds[0].footer?.text).toBe('Page 2 of 3 · 23 transactions · newest first');
      expect(amountsOf(back)).toEqual(await restPage(2));
    });

    it("refuses to page someone else's history, leaving it as it was", async () => {
      const first = await run(me, 'transactions');
      const intruder = fakeUser('mallory');
      const handle = press(intruder, first, 'Next');
      expectError(await handle.final(), 'Only the user who ran /transactions can page through it');
      expect(handle.responses.map((r) => r.type)).toEqual([4]);
    });

    it('answers a button past the end (a stale page) with the last page', async () => {
      const first = await run(me, 'transactions');
      const stale = await fake.pressButton({ user: me, customId: `transactions/page/gc/99/${me.id}`, message: first.message }).final();
      expect(stale.embeds[0].footer?.text).toBe('Page 3 of 3 · 23 transactions · newest first');
      expect(amountsOf(stale)).toEqual([3, 2, 1]);
    });

    it('shows the WTG ledger with currency: wtg, and says so when a history is empty', async () => {
      const u = await createUser(t);
      const who = asDiscord(u, 'hana');
      const empty = await run(who, 'transactions', { currency: 'wtg' });
      expect(empty).toMatchObject({ ephemeral: true, components: [] });
      expect(empty.embeds[0]).toMatchObject({ title: '📜 WTG coin history', description: 'No transactions yet.' });

      await t.app.get(WtgLedgerService).grant(u.userId, 11, 'wtg_purchase', { reference: 'order-1' });
      await t.app.get(WtgLedgerService).spend(u.userId, 2, 'wtg_conversion');
      const wtg = await run(who, 'transactions', { currency: 'wtg' });
      expect(wtg.embeds[0].description?.split('\n')).toEqual([
        expect.stringMatching(/^\*\*-2 WTG\*\* WTG conversion · <t:\d+:R> · balance 9 WTG$/),
        expect.stringMatching(/^\*\*\+11 WTG\*\* WTG purchase · <t:\d+:R> · balance 11 WTG$/),
      ]);
      expect(wtg.embeds[0].footer?.text).toBe('Page 1 of 1 · 2 transactions · newest first');
      expect(wtg.components).toEqual([]);
      // The GC ledger of the same user is still empty.
      expect((await run(who, 'transactions', { currency: 'gc' })).embeds[0].description).toBe('No transactions yet.');
    });
  });
});
