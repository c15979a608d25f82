import { randomBytes } from 'node:crypto';
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import { WtgLedgerService } from '../../src/credits/wtg-ledger.service';
import { COLORS } from '../../src/discord/embeds';
import { type FakeDiscord } from '../fakes/fake-discord';
import { EPHEMERAL } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { FakeStripe } from '../fakes/fake-stripe';
import { commandPaths } from '../support/discord-command-limits';
import { type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { expectLedgerConsistent, ledgerTotals } from '../support/ledger-checks';
import { type TestApp } from '../support/test-app';

const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const LINK_BUTTON = 5;
const field = (embed: APIEmbed, name: string) => embed.fields?.find((f) => f.name === name)?.value;

describe('Discord /shop: buying WTG coins through the bot, paid with the fake Stripe', () => {
  let stripe: FakeStripe;
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    stripe = await FakeStripe.start();
    bot = await startDiscordTestApp({ STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.apiBase });
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot?.close();
    await stripe?.close();
  });

  const run = (user: FakeUser, subcommand: string, options?: Record<string, string>) => fake.sendCommand({ user, name: 'shop', subcommand, options });
  const userIdOf = async (u: FakeUser): Promise<string> => (await t.db.query('SELECT id FROM users WHERE discord_id = $1', [u.id]))[0].id;
  const deliver = (event: Record<string, unknown>) => {
    const { payload, header } = FakeStripe.sign(event, WEBHOOK_SECRET);
    return t.http().post('/api/v1/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
  };
  const buttons = (components: unknown[]) => (components as APIActionRowComponent<APIButtonComponent>[]).flatMap((row) => row.components);

  it('offers /shop list and /shop buy, with the packages as choices', () => {
    expect(commandPaths(fake.commands)).toEqual(expect.arrayContaining(['/shop list', '/shop buy', '/convert']));
    const shop = fake.commands.find((c) => c.name === 'shop')!;
    const buy = (shop.options as Array<{ name: string; options?: Array<{ name: string; choices?: Array<{ value: string }> }> }>).find(
      (o) => o.name === 'buy',
    )!;
    expect(buy.options?.[0].choices?.map((c) => c.value)).toEqual(['wtg-5', 'wtg-11', 'wtg-23', 'wtg-60']);
  });

  it('/shop list shows the packages with their price and GameCredits value', async () => {
    const reply = await run(fakeUser('window'), 'list').final();
    expect(reply.embeds[0].description).toContain('**11 WTG (10 + 1 bonus)** · 9.99 USD · worth 11,000 GC');
    expect(reply.embeds[0].footer?.text).toContain('/shop buy');
  });

  it('/shop buy answers privately with the Stripe checkout link as a link button; paying grants the coins', async () => {
    const buyer = fakeUser('buyer');
    const handle = run(buyer, 'buy', { package: 'wtg-11' });
    // Stripe may be slow: the command defers first, privately.
    expect(await handle.reply()).toMatchObject({ type: 5, flags: EPHEMERAL });
    const final = await handle.final();
    expect(final).toMatchObject({ kind: 'edit', ephemeral: true });
    expect(final.embeds[0]).toMatchObject({ title: '🛒 11 WTG for 9.99 USD', color: COLORS.info });
    expect(field(final.embeds[0], 'Link expires')).toMatch(/^<t:\d+:R>$/);

    const userId = await userIdOf(buyer);
    const [checkout] = await t.db.query('SELECT id, status, coins FROM payment_checkouts WHERE user_id = $1', [userId]);
    expect(checkout).toMatchObject({ status: 'open', coins: 11 });
    const session = stripe.sessions.get(checkout.id)!;
    const [button] = buttons(final.components);
    expect(button).toMatchObject({ type: 2, style: LINK_BUTTON, label: 'Pay 9.99 USD', url: session.url });
    expect(session.url.length).toBeLessThanOrEqual(512);
    expect(session.metadata).toMatchObject({ agis_user_id: userId, agis_package_id: 'wtg-11' });

    // Nothing moves until Stripe reports the payment; then the coins arrive once.
    expect((await ledgerTotals(t, userId)).wtg).toBe(0);
    expect((await deliver(stripe.completeSession(checkout.id))).body.data.outcome).toBe('granted');
    expect((await ledgerTotals(t, userId)).wtg).toBe(11);
    await expectLedgerConsistent(t, userId);
  });

  it('/shop buy tells the buyer privately when Stripe cannot be reached, and records nothing', async () => {
    const buyer = fakeUser('offline');
    stripe.down = true;
    let final;
    try {
      final = await run(buyer, 'buy', { package: 'wtg-23' }).final();
    } finally {
      stripe.down = false;
    }
    expect(final).toMatchObject({ ephemeral: true, components: [] });
    expect(final.embeds[0]).toMatchObject({
      color: COLORS.error,
      description: expect.stringMatching(/Stripe could not start the checkout, and nothing was charged/),
    });
    expect(await t.db.query('SELECT id FROM payment_checkouts WHERE user_id = $1', [await userIdOf(buyer)])).toEqual([]);
  });

  it('/shop buy refuses privately while the buyer owes coins from a disputed payment', async () => {
    const buyer = fakeUser('disputer');
    const bought = await run(buyer, 'buy', { package: 'wtg-5' }).final();
    const url = (buttons(bought.components)[0] as { url?: string }).url;
    const sessionId = [...stripe.sessions.values()].find((s) => s.url === url)!.id;
    await deliver(stripe.completeSession(sessionId));
    const userId = await userIdOf(buyer);
    // The coins are spent before the dispute comes in.
    await t.app.get(WtgLedgerService).spend(userId, 5, 'test_spend');
    expect((await deliver(stripe.dispute(sessionId))).body.data.outcome).toBe('reversed');

    const refused = await run(buyer, 'buy', { package: 'wtg-5' }).final();
    expect(refused.ephemeral).toBe(true);
    expect(refused.embeds[0]).toMatchObject({
      color: COLORS.error,
      description: expect.stringMatching(/^You owe 5 WTG coins from a refunded or disputed payment/),
    });
    expect(refused.components).toEqual([]);
    expect((await ledgerTotals(t, userId)).wtg).toBe(0);
    await expectLedgerConsistent(t, userId);
  });
});
