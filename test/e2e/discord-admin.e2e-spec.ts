import type { APIEmbed } from 'discord-api-types/v10';
import { COLORS } from '../../src/discord/embeds';
import { GameCatalogService } from '../../src/servers/catalog/game-catalog.service';
import { FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse, type CommandInput } from '../fakes/fake-discord-interactions';
import { FAKE_STAFF_ROLE_ID, fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { commandPaths } from '../support/discord-command-limits';
import { DISCORD_TEST_TOKEN, discordUserWithCredits, type DiscordTestBot } from '../support/discord-test-bot';
import { createUser, snowflake } from '../support/factories';
import { expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Discord /admin: staff commands through discord.js + necord against the fake Discord', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  const staff: FakeUser = { ...fakeUser('moderator'), roles: [FAKE_STAFF_ROLE_ID] };
  const member = fakeUser('member');
  beforeAll(async () => {
    // As startDiscordTestApp, with the staff guild set to the fake's own guild (known only once the fake runs).
    fake = await FakeDiscord.start({ token: DISCORD_TEST_TOKEN });
    t = await createTestApp({
      AGIS_ROLES: 'api,bot,scheduler',
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_DEV_GUILD_ID: fake.guildId,
      LOCAL_AGONES_STEP_MS: '10',
      DIRECT_MESSAGES_TICK_MS: '50',
      STAFF_GUILD_ID: fake.guildId,
      ADMIN_ROLE_IDS: FAKE_STAFF_ROLE_ID,
    });
    await fake.waitForCommands();
    bot = { fake, t, close: async () => undefined };
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const run = (user: FakeUser, subcommand: string, options: CommandInput['options'] = {}, group = 'users', guild?: string) =>
    fake.sendCommand({ user, name: 'admin', group, subcommand, options, guild }).final();
  const expectRefused = (r: BotResponse, message: string | RegExp) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0]).toMatchObject({ color: COLORS.error, description: typeof message === 'string' ? message : expect.stringMatching(message) });
  };
  /** The staff notices among a user's direct messages (their servers' "ready" messages come too). */
  const dms = (discordId: string) =>
    (fake.directMessages.get(discordId) ?? []).map((m) => (m.embeds as APIEmbed[])[0]).filter((e) => e.title?.startsWith('🛡️'));

  it('registers /admin hidden from members (default_member_permissions "0"), guild-only, with every staff subcommand', () => {
    const admin = fake.commands.find((c) => c.name === 'admin');
    expect(admin).toMatchObject({ default_member_permissions: '0', contexts: [0] });
    expect(commandPaths(fake.commands).filter((p) => p.startsWith('/admin '))).toEqual([
      '/admin pricing disable',
      '/admin pricing enable',
      '/admin pricing set',
      '/admin servers delete',
      '/admin servers search',
      '/admin servers stop',
      '/admin users activity',
      '/admin users credits',
      '/admin users search',
      '/admin users suspend',
      '/admin users unsuspend',
    ]);
  });

  describe('in the staff guild (STAFF_GUILD_ID)', () => {
    it('refuses a member without the staff role, ephemerally, changing nothing', async () => {
      const memberId = await discordUserWithCredits(bot, member, 100);
      const r = await run(member, 'credits', { user: member.id, amount: 500, reason: 'free money' });
      expectRefused(r, /Only agis staff/);
      await expectCredits(t, memberId, 100);
      expectRefused(await run(member, 'search', {}, 'servers'), /Only agis staff/);
    });

    it('refuses the staff role from another guild', async () => {
      const r = await run(staff, 'search', {}, 'users', snowflake());
      expectRefused(r, /Only agis staff/);
    });

    it("adjusts a member's GC through the ledger, never below zero", async () => {
      const u = fakeUser('adjusted');
      const id = await discordUserWithCredits(bot, u, 100);
      const granted = await run(staff, 'credits', { user: u.id, amount: 250, reason: 'Event prize' });
      expect(granted.ephemeral).toBe(true);
      expect(granted.embeds[0].title).toContain('+250 GC');
      expect(granted.embeds[0].description).toContain('350 GC');
      expectRefused(await run(staff, 'credits', { user: u.id, amount: -351, reason: 'Too much' }), /insufficient|not enough|only has/i);
      await expectCredits(t, id, 350);
      await expectLedgerConsistent(t, id);
      const log = await run(staff, 'activity', { user: staff.id });
      expect(log.embeds[0].description).toContain('admin.credits_adjusted');
      expect(log.embeds[0].description).toContain('Event prize');
    });

    it('stops and deletes a server with a reason; the owner is told by direct message', async () => {
      const owner = await createUser(t, { credits: 500 });
      const created = await createServer(t, owner, { name: 'mined', gameType: 'minecraft' });
      const id = created.body.data.id as string;
      await waitForStatus(t, owner, id, 'running');
      const found = await run(staff, 'search', { query: 'mined' }, 'servers');
      expect(found.embeds[0].description).toContain(id);
      const stopped = await run(staff, 'stop', { server: id, reason: 'Crypto mining' }, 'servers');
      expect(stopped.embeds[0].title).toContain('Stopping mined');
      await waitForStatus(t, owner, id, 'stopped');
      const [dm] = await pollUntil(() => (dms(owner.discordId).length >= 1 ? dms(owner.discordId) : undefined), { what: "the owner's staff notice" });
      expect(dm.title).toBe('🛡️ Staff stopped your server "mined"');
      expect(dm.description).toContain('Crypto mining');
      expectRefused(await run(staff, 'stop', { server: id, reason: 'again' }, 'servers'), /Cannot stop a server that is stopped/);

      await run(staff, 'delete', { server: id, reason: 'Repeat offender' }, 'servers');
      await pollUntil(
        () => serverRow(t, id),
        (row) => row === undefined,
        { what: 'the server to be deleted' },
      );
      const all = await pollUntil(() => (dms(owner.discordId).length >= 2 ? dms(owner.discordId) : undefined), { what: 'the deletion notice' });
      expect(all[1].title).toBe('🛡️ Staff deleted your server "mined"');
      expect(all[1].description).toContain('Repeat offender');
    });

    it('suspends a member: their commands are refused with the reason until staff lift it', async () => {
      const u = fakeUser('suspect');
      await discordUserWithCredits(bot, u, 10);
      const suspended = await run(staff, 'suspend', { user: u.id, reason: 'Harassment' });
      expect(suspended.embeds[0].title).toContain('suspect is suspended');
      expectRefused(await fake.sendCommand({ user: u, name: 'credits' }).final(), 'Your agis account is suspended by staff: Harassment');
      const listed = await run(staff, 'search', { query: u.id });
      expect(listed.embeds[0].description).toContain('suspended: Harassment');
      await run(staff, 'unsuspend', { user: u.id });
      const ok = await fake.sendCommand({ user: u, name: 'credits' }).final();
      expect(ok.embeds[0].color).not.toBe(COLORS.error);
    });

    it('changes a price and withdraws and offers a game again; a member is refused and nothing changes', async () => {
      const catalog = t.app.get(GameCatalogService);
      const before = catalog.priceOf('terraria')!;
      expectRefused(await run(member, 'set', { game: 'terraria', gc_per_hour: 1 }, 'pricing'), /Only agis staff/);
      expect(catalog.priceOf('terraria')).toBe(before);

      const set = await run(staff, 'set', { game: 'terraria', gc_per_hour: before + 7 }, 'pricing');
      expect(set.embeds[0].title).toMatch(/costs/);
      expect(catalog.priceOf('terraria')).toBe(before + 7);
      expect((await t.http().get('/api/v1/games')).body.data.find((g: { key: string }) => g.key === 'terraria').hourlyCost).toBe(before + 7);

      await run(staff, 'disable', { game: 'terraria' }, 'pricing');
      expect((await t.http().get('/api/v1/games')).body.data.map((g: { key: string }) => g.key)).not.toContain('terraria');
      await run(staff, 'enable', { game: 'terraria' }, 'pricing');
      expect((await t.http().get('/api/v1/games')).body.data.map((g: { key: string }) => g.key)).toContain('terraria');
      expectRefused(await run(staff, 'disable', { game: 'no-such-game' }, 'pricing'), /no-such-game/);
      const logged = await t.db.query("SELECT action FROM activity_log WHERE action LIKE 'admin.game_%' ORDER BY id");
      expect(logged.map((r: { action: string }) => r.action)).toEqual(['admin.game_saved', 'admin.game_disabled', 'admin.game_enabled']);
    });
  });
});
