import type { APIEmbed } from 'discord-api-types/v10';
import { Clock } from '../../src/common/values/clock';
import { WtgLedgerService } from '../../src/credits/wtg-ledger.service';
import { COLORS } from '../../src/discord/embeds';
import { type FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { type TestApp } from '../support/test-app';

const field = (embed: APIEmbed, name: string) => embed.fields?.find((f) => f.name === name)?.value;
/** `<t:…:D>`: the Discord timestamp of an instant, as the bot writes dates. */
const discordDate = (d: Date | string) => `<t:${Math.floor(new Date(d).getTime() / 1000)}:D>`;

describe('Discord: starter credits, /work, /premium and /daily through the real bot against the fake Discord', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  let clock: Clock;
  beforeAll(async () => {
    bot = await startDiscordTestApp({ STARTER_CREDITS: '100' });
    ({ fake, t } = bot);
    clock = t.app.get(Clock);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await bot.close();
  });

  const run = (user: FakeUser, name: string, subcommand?: string, options?: Record<string, string | number | boolean>) =>
    fake.sendCommand({ user, name, subcommand, options }).final();
  const userRow = async (u: FakeUser) =>
    (
      await t.db.query(
        'SELECT id, credits::int, wtg_coins::int AS wtg, tier, premium_until, last_work_at, last_daily_at FROM users WHERE discord_id = $1',
        [u.id],
      )
    )[0] as {
      id: string;
      credits: number;
      wtg: number;
      tier: string;
      premium_until: Date | null;
      last_work_at: Date | null;
      last_daily_at: Date | null;
    };
  const gcRows = (userId: string) =>
    t.db.query<Array<{ reason: string; amount: number }>>('SELECT reason, amount::int FROM credit_transactions WHERE user_id = $1 ORDER BY id', [
      userId,
    ]);
  const expectError = (r: BotResponse, message: string | RegExp) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0].color).toBe(COLORS.error);
    expect(r.embeds[0].description).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  };

  it('registers /work and /premium info|buy with months bounded to 1-12', () => {
    const premium = fake.commands.find((c) => c.name === 'premium');
    expect(fake.commands.find((c) => c.name === 'work')).toBeDefined();
    const subs = (premium?.options ?? []) as Array<{ name: string; options?: Array<{ name: string; min_value?: number; max_value?: number }> }>;
    expect(subs.map((s) => s.name).sort()).toEqual(['buy', 'info']);
    expect(subs.find((s) => s.name === 'buy')?.options).toEqual([expect.objectContaining({ name: 'months', min_value: 1, max_value: 12 })]);
  });

  describe('a scripted session', () => {
    const carol = fakeUser('carol');
    let carolId: string;

    it('the first command creates the member with 100 starter GC, once', async () => {
      const reply = await run(carol, 'credits');
      expect(field(reply.embeds[0], 'GameCredits')).toBe('100 GC');
      expect(field(reply.embeds[0], 'Tier')).toBe('free');
      carolId = (await userRow(carol)).id;
      await run(carol, 'credits');
      expect(await gcRows(carolId)).toEqual([{ reason: 'starter_credits', amount: 100 }]);
    });

    it('/work pays 15 GC and says when the next shift pays; a second /work is refused with the time left', async () => {
      const reply = await run(carol, 'work');
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0].title).toBe('✅ +15 GC');
      expect(field(reply.embeds[0], 'Balance')).toBe('115 GC');
      const row = await userRow(carol);
      expect(field(reply.embeds[0], 'Next shift')).toBe(`<t:${Math.floor(row.last_work_at!.getTime() / 1000) + 3600}:R>`);

      const again = await run(carol, 'work');
      expectError(again, /^You already worked this shift; you can work again in (59 min|1 h 0 min)$/);
      expect(await gcRows(carolId)).toEqual([
        { reason: 'starter_credits', amount: 100 },
        { reason: 'work', amount: 15 },
      ]);
    });

    it('/premium info shows the price and that carol is free', async () => {
      const reply = await run(carol, 'premium', 'info');
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0]).toMatchObject({ title: '⭐ Premium', description: 'Free.' });
      expect(field(reply.embeds[0], 'Price')).toBe('1 WTG a month (1-12 months at a time)');
    });

    it('/premium buy refuses when the WTG coins do not cover the months, and nothing moves', async () => {
      await t.app.get(WtgLedgerService).grant(carolId, 3, 'test_grant');
      const reply = await run(carol, 'premium', 'buy', { months: 5 });
      expectError(reply, 'Not enough WTG coins: 5 needed, 3 available');
      expect(await userRow(carol)).toMatchObject({ wtg: 3, tier: 'free', premium_until: null });
    });

    it('/premium buy takes the coins and makes carol premium until the date it shows', async () => {
      const reply = await run(carol, 'premium', 'buy', { months: 2 });
      const row = await userRow(carol);
      expect(row).toMatchObject({ wtg: 1, tier: 'premium' });
      expect(reply.embeds[0]).toMatchObject({
        title: '✅ ⭐ Premium',
        description: `2 months for 2 WTG: premium until ${discordDate(row.premium_until!)}.`,
      });
      expect(field(reply.embeds[0], 'WTG coins left')).toBe('1 WTG');
      expect(await t.db.query('SELECT reason, amount::int FROM wtg_transactions WHERE user_id = $1 ORDER BY id', [carolId])).toEqual([
        { reason: 'test_grant', amount: 3 },
        { reason: 'premium_purchase', amount: -2 },
      ]);
      const credits = await run(carol, 'credits');
      expect(field(credits.embeds[0], 'Tier')).toBe(`premium until ${discordDate(row.premium_until!)}`);
      const info = await run(carol, 'premium', 'info');
      expect(info.embeds[0].description).toBe(`Premium until ${discordDate(row.premium_until!)}.`);
    });

    it('/daily pays the premium amount while premium lasts', async () => {
      const reply = await run(carol, 'daily');
      expect(reply.embeds[0].title).toBe('✅ +100 GC');
      expect(field(reply.embeds[0], 'Balance')).toBe('215 GC');
    });

    it('after the end date passes, with nobody acting, carol reads as free and /daily and /work pay the free amounts', async () => {
      const { premium_until: until } = await userRow(carol);
      jest.spyOn(clock, 'now').mockReturnValue(new Date(until!.getTime() + 60_000));
      const info = await run(carol, 'premium', 'info');
      expect(info.embeds[0].description).toBe(`Free: premium ended ${discordDate(until!)}.`);
      expect(field((await run(carol, 'credits')).embeds[0], 'Tier')).toBe('free');
      expect((await run(carol, 'daily')).embeds[0].title).toBe('✅ +50 GC');
      const shift = await run(carol, 'work');
      expect(shift.embeds[0].title).toBe('✅ +15 GC');
      expect(field(shift.embeds[0], 'Balance')).toBe('280 GC');
      expect((await gcRows(carolId)).map((r) => `${r.reason} ${r.amount}`)).toEqual([
        'starter_credits 100',
        'work 15',
        'daily_bonus 100',
        'daily_bonus 50',
        'work 15',
      ]);
      await expectCredits(t, carolId, 280);
      await expectLedgerConsistent(t, carolId);
    });
  });
});
