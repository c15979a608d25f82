import { COLORS } from '../../src/discord/embeds';
import { GuildNotices } from '../../src/guilds/guild-notices.service';
import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { type FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse, type CommandInput } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, discordUserWithCredits, startDiscordTestApp } from '../support/discord-test-bot';
import { balanceOf, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { type TestApp } from '../support/test-app';

/** A member's permissions without "Manage Server" (0x20): View Channel and Send Messages only. */
const MEMBER_PERMISSIONS = String(0x400 | 0x800);

describe('Discord: /guild treasury, deposits and guild servers through the real bot against the fake Discord', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    bot = await startDiscordTestApp({ AGIS_ROLES: 'api,bot,scheduler', LOCAL_AGONES_STEP_MS: '10' });
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  const run = (user: FakeUser, input: Omit<CommandInput, 'user' | 'name'>) => fake.sendCommand({ user, name: 'guild', ...input }).final();
  const expectError = (r: BotResponse, message: string | RegExp) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0].color).toBe(COLORS.error);
    expect(r.embeds[0].description).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  };
  const treasury = async () => {
    const [row]: Array<{ balance: string | null; rows: string }> = await t.db.query(
      `SELECT (SELECT balance::text FROM guild_accounts WHERE guild_id = $1) AS balance,
              (SELECT COALESCE(sum(amount), 0)::text FROM guild_transactions WHERE guild_id = $1) AS rows`,
      [fake.guildId],
    );
    return { balance: Number(row.balance ?? 0), ledger: Number(row.rows) };
  };
  const userIdOf = async (u: FakeUser) =>
    ((await t.db.query('SELECT id::text AS id FROM users WHERE discord_id = $1', [u.id]))[0] as { id: string }).id;

  it('registers /guild deposit|treasury, /guild channel set and /guild servers create|start|stop|delete|list', () => {
    const guild = fake.commands.find((c) => c.name === 'guild');
    const options = (guild?.options ?? []) as Array<{ name: string; type: number; options?: Array<{ name: string; type: number }> }>;
    expect(options.map((o) => o.name).sort()).toEqual(['channel', 'deposit', 'servers', 'treasury']);
    expect(
      options
        .find((o) => o.name === 'servers')
        ?.options?.map((o) => o.name)
        .sort(),
    ).toEqual(['create', 'delete', 'list', 'start', 'stop']);
    // channel: a CHANNEL option (type 7) limited to text channels.
    expect(options.find((o) => o.name === 'channel')?.options?.[0]).toMatchObject({
      name: 'set',
      options: [expect.objectContaining({ name: 'channel', type: 7 })],
    });
  });

  describe('a scripted guild session', () => {
    const mia = fakeUser('mia'); // manages the Discord server
    const max = { ...fakeUser('max'), permissions: MEMBER_PERMISSIONS }; // an ordinary member
    let serverId: string;
    const noticeChannel = () => [...fake.channelMessages.keys()].find((id) => id !== fake.channelId)!;

    it('/guild deposit moves GC into the treasury; more than the balance is refused ephemerally, nothing moved', async () => {
      await discordUserWithCredits(bot, mia, 500);
      await discordUserWithCredits(bot, max, 100);
      const done = await run(max, { subcommand: 'deposit', options: { amount: 40 } });
      expect(done.ephemeral).toBe(true);
      expect(done.embeds[0]).toMatchObject({ title: '✅ Deposited', description: '40 GC into the treasury.' });
      expect(done.embeds[0].fields).toEqual([
        { name: 'Your balance', value: '60 GC', inline: true },
        { name: 'Treasury', value: '40 GC', inline: true },
      ]);
      expectError(await run(max, { subcommand: 'deposit', options: { amount: 61 } }), /Not enough GameCredits: 61 GC needed, 60 GC available/);
      expect(await treasury()).toEqual({ balance: 40, ledger: 40 });
      expect(await balanceOf(t, await userIdOf(max))).toBe(60);
      await expectLedgerConsistent(t, await userIdOf(max));
    });

    it('a member without "Manage Server" cannot create guild servers or set the channel: ephemeral refusal, nothing changed', async () => {
      expectError(await run(max, { group: 'servers', subcommand: 'create', options: { name: 'sneaky', game: 'minecraft' } }), /Manage Server/);
      expectError(await run(max, { group: 'channel', subcommand: 'set', options: { channel: fake.channelId } }), /Manage Server/);
      expect(await t.db.query('SELECT id FROM servers WHERE guild_id = $1', [fake.guildId])).toEqual([]);
      expect(await treasury()).toEqual({ balance: 40, ledger: 40 });
    });

    it('every /guild command refreshes whether the bot saw the member with "Manage Server" (what REST keys act on)', async () => {
      const managerFlag = async () =>
        (
          (await t.db.query('SELECT manager FROM guild_members WHERE guild_id = $1 AND user_id = $2', [fake.guildId, await userIdOf(mia)]))[0] as
            { manager: boolean } | undefined
        )?.manager;
      expect(await managerFlag()).toBeUndefined();
      await run({ ...mia, permissions: MEMBER_PERMISSIONS }, { subcommand: 'treasury' });
      expect(await managerFlag()).toBe(false);
      await run(mia, { subcommand: 'treasury' });
      expect(await managerFlag()).toBe(true);
    });

    it('a manager sets the channel and creates a server the treasury pays for', async () => {
      const channel = fake.addTextChannel();
      const set = await run(mia, { group: 'channel', subcommand: 'set', options: { channel } });
      expect(set.embeds[0]).toMatchObject({ title: '✅ Channel set', description: `<#${channel}> is told when the treasury cannot pay a server.` });
      const created = await run(mia, { group: 'servers', subcommand: 'create', options: { name: 'clan', game: 'minecraft' } });
      expect(created.ephemeral).toBe(true);
      serverId = /id ([0-9a-f-]{36})/.exec(created.embeds[0].footer?.text ?? '')![1];
      await pollUntil(async () => (await t.db.query('SELECT status FROM servers WHERE id = $1', [serverId]))[0]?.status === 'running', {
        what: 'the guild server to run',
      });
      expect(await treasury()).toEqual({ balance: 10, ledger: 10 });
      expect(await balanceOf(t, await userIdOf(mia))).toBe(500);
      const listed = await run(max, { group: 'servers', subcommand: 'list' });
      expect(JSON.stringify(listed.embeds[0])).toContain('clan');
    });

    it('/guild treasury shows members the balance and its ledger', async () => {
      const reply = await run(max, { subcommand: 'treasury' });
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0].title).toBe('🏦 Guild treasury');
      expect(reply.embeds[0].description).toBe('`-30` server_hour → 10 GC\n`+40` deposit → 40 GC');
      expect(reply.embeds[0].fields).toEqual([{ name: 'Balance', value: '10 GC', inline: true }]);
    });

    it('when the treasury cannot pay the next hour the server stops and the configured channel is told', async () => {
      await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 second' WHERE id = $1`, [serverId]);
      expect((await t.app.get(ServerBillingService).runOnce()).stopped).toBeGreaterThanOrEqual(1);
      await pollUntil(async () => (await t.db.query('SELECT status FROM servers WHERE id = $1', [serverId]))[0]?.status === 'stopped', {
        what: 'the guild server to stop',
      });
      await t.app.get(GuildNotices).tick();
      const posted = await pollUntil(() => fake.channelMessages.get(noticeChannel())?.[0], { what: 'the notice in the guild channel' });
      expect(posted.content).toBe(
        '⚠️ The treasury could not pay the next hour of **clan** (30 GC), so it was stopped. Deposit with /guild deposit, then start it again with /guild servers start.',
      );
      expect(fake.channelMessages.get(fake.channelId)).toEqual([]);
      expect(await treasury()).toEqual({ balance: 10, ledger: 10 });
      // A start it cannot pay is refused; after a deposit the manager starts it, then deletes it.
      expectError(
        await run(mia, { group: 'servers', subcommand: 'start', options: { server: serverId } }),
        /guild treasury: 30 GC needed, 10 GC available/,
      );
      await run(mia, { subcommand: 'deposit', options: { amount: 100 } });
      const started = await run(mia, { group: 'servers', subcommand: 'start', options: { server: serverId } });
      expect(started.embeds[0].color).not.toBe(COLORS.error);
      expectError(await run(max, { group: 'servers', subcommand: 'stop', options: { server: serverId } }), /Manage Server/);
      const deleted = await run(mia, { group: 'servers', subcommand: 'delete', options: { server: serverId } });
      expect(deleted.embeds[0].title).toBe('✅ Guild server deleted');
      expect(await treasury()).toEqual({ balance: 80, ledger: 80 });
      await expectLedgerConsistent(t, await userIdOf(mia));
    });
  });
});
