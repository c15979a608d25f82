import type { APIEmbed } from 'discord-api-types/v10';
import { embedLength, EMBEDS_TOTAL_MAX } from '../../src/discord/discord-limits';
import { COLORS } from '../../src/discord/embeds';
import { type FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse, type CommandInput } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, discordUserWithCredits, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser } from '../support/factories';
import { expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { createServer, waitForStatus } from '../support/server-steps';
import { type TestApp } from '../support/test-app';

const field = (embed: APIEmbed, name: string) => embed.fields?.find((f) => f.name === name)?.value;

describe('Discord: /lobby, /help and /profile through the real bot against the fake Discord', () => {
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

  const run = (user: FakeUser, name: string, subcommand?: string, options?: CommandInput['options']) =>
    fake.sendCommand({ user, name, subcommand, options }).final();
  const expectError = (r: BotResponse, message: string | RegExp) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0].color).toBe(COLORS.error);
    expect(r.embeds[0].description).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  };
  const statusOf = async (id: string) => (await t.db.query('SELECT status FROM servers WHERE id = $1', [id]))[0]?.status as string | undefined;
  /** Creates a server with /servers create and waits until it runs; its id comes from the reply's footer. */
  const runningServer = async (user: FakeUser, name: string) => {
    const created = await run(user, 'servers', 'create', { name, game: 'minecraft' });
    const id = /id ([0-9a-f-]{36})/.exec(created.embeds[0].footer?.text ?? '')![1];
    await pollUntil(async () => (await statusOf(id)) === 'running', { what: `${name} to run`, timeoutMs: 30_000 });
    return id;
  };
  const lobbyNames = async (user: FakeUser) => ((await run(user, 'lobby', 'list')).embeds[0].fields ?? []).map((f) => f.name);

  it('registers /lobby list|add|remove (servers autocompleted), /help and /profile', () => {
    const lobby = fake.commands.find((c) => c.name === 'lobby');
    const subs = (lobby?.options ?? []) as Array<{ name: string; options?: Array<{ name: string; autocomplete?: boolean }> }>;
    expect(subs.map((s) => s.name).sort()).toEqual(['add', 'list', 'remove']);
    for (const sub of ['add', 'remove']) {
      expect(subs.find((s) => s.name === sub)?.options?.find((o) => o.name === 'server')?.autocomplete).toBe(true);
    }
    expect(fake.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['help', 'profile']));
  });

  describe('a scripted lobby session', () => {
    const dora = fakeUser('dora');
    let doraServer: string;

    it('/lobby list says when nothing is public', async () => {
      await discordUserWithCredits(bot, dora, 300);
      const reply = await run(dora, 'lobby', 'list');
      expect(reply.embeds[0]).toMatchObject({ title: '🌐 Lobby', description: 'No public server is running right now. List yours with /lobby add.' });
    });

    it('/lobby add refuses a server that is not running, ephemerally, and lists nothing', async () => {
      const idle = await run(dora, 'servers', 'create', { name: 'idle', game: 'minecraft', start: false });
      const id = /id ([0-9a-f-]{36})/.exec(idle.embeds[0].footer?.text ?? '')![1];
      expectError(await run(dora, 'lobby', 'add', { server: id }), 'Only a running server can be listed in the lobby; idle is stopped');
      expect((await t.db.query('SELECT public FROM servers WHERE id = $1', [id]))[0].public).toBe(false);
    });

    it("/lobby add lists a running server; /lobby list shows its game, address, description and owner, this guild's first", async () => {
      doraServer = await runningServer(dora, 'castle');
      const added = await run(dora, 'lobby', 'add', { server: doraServer, description: 'Come build' });
      expect(added.ephemeral).toBe(true);
      expect(added.embeds[0]).toMatchObject({ color: COLORS.success, title: '✅ Listed in the lobby' });
      expect((await t.db.query('SELECT lobby_guild_id FROM servers WHERE id = $1', [doraServer]))[0].lobby_guild_id).toBe(fake.guildId);

      // Listed later over REST (no guild): newer, yet shown after the server listed from this guild.
      const rest = await createUser(t, { credits: 300, username: 'restless' });
      const restId = (await createServer(t, rest, { name: 'outsider', gameType: 'minecraft' })).body.data.id as string;
      await waitForStatus(t, rest, restId, 'running');
      expect((await t.http().patch(`/api/v1/servers/${restId}`).set(rest.auth).send({ public: true })).status).toBe(200);

      const reply = await run(dora, 'lobby', 'list');
      expect(reply.ephemeral).toBe(false);
      expect(reply.embeds[0].fields?.map((f) => f.name)).toEqual(['castle · minecraft', 'outsider · minecraft']);
      const [row] = await t.db.query('SELECT address, port, players_online, players_max FROM servers WHERE id = $1', [doraServer]);
      expect(row.players_max).toEqual(expect.any(Number));
      expect(field(reply.embeds[0], 'castle · minecraft')).toBe(
        `Come build\n\`${row.address}:${row.port}\`\n👥 ${row.players_online} / ${row.players_max}\nby dora`,
      );
      expect(field(reply.embeds[0], 'outsider · minecraft')).toMatch(/by restless$/);
      // REST sees the same lobby, newest change first (no guild to prefer).
      expect((await t.http().get('/api/v1/lobby')).body.data.map((e: { name: string }) => e.name)).toEqual(['outsider', 'castle']);
    });

    it('/lobby remove takes it out; a stop takes it out by itself', async () => {
      const removed = await run(dora, 'lobby', 'remove', { server: doraServer });
      expect(removed.embeds[0]).toMatchObject({ title: '✅ Out of the lobby', description: '**castle** is no longer listed.' });
      expect(await lobbyNames(dora)).toEqual(['outsider · minecraft']);

      await run(dora, 'lobby', 'add', { server: doraServer });
      expect(await lobbyNames(dora)).toContain('castle · minecraft');
      await run(dora, 'servers', 'stop', { server: doraServer });
      expect(await lobbyNames(dora)).toEqual(['outsider · minecraft']);
    });

    it('/profile shows balance, tier, servers, rank and recent activity', async () => {
      const doraId = (await t.db.query('SELECT id FROM users WHERE discord_id = $1', [dora.id]))[0].id as string;
      await pollUntil(async () => (await statusOf(doraServer)) === 'stopped', { what: 'castle to stop', timeoutMs: 30_000 });
      const [{ credits }] = await t.db.query('SELECT credits::int FROM users WHERE id = $1', [doraId]);
      const reply = await run(dora, 'profile');
      expect(reply.ephemeral).toBe(true);
      const embed = reply.embeds[0];
      expect(embed.title).toBe('👤 dora');
      expect(field(embed, 'GameCredits')).toBe(`${credits.toLocaleString('en-US')} GC`);
      expect(field(embed, 'Tier')).toBe('free');
      expect(field(embed, 'Servers')).toBe('2 (0 running)');
      expect(field(embed, 'Rank')).toMatch(/^#\d+ by GC$/);
      const recent = field(embed, 'Recent activity')!.split('\n');
      // Newest first: the stop, the start of castle (created running), the creation of idle.
      expect(recent).toEqual([
        expect.stringMatching(/^<t:\d+:R> server\.stop$/),
        ...Array(2).fill(expect.stringMatching(/^<t:\d+:R> server\.created$/)),
      ]);
      await expectLedgerConsistent(t, doraId);
    });
  });

  describe('/help', () => {
    const hal = fakeUser('hal');

    it('lists the commands with an example each, read from the registered commands', async () => {
      const reply = await run(hal, 'help');
      expect(reply.ephemeral).toBe(true);
      // The list may take two embeds; together they stay within Discord's 6,000 characters.
      const text = reply.embeds.map((e) => e.description ?? '').join('\n');
      expect(reply.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
      expect(reply.embeds[0].title).toBe('📖 Commands');
      expect(text).toContain('`/lobby add server:<server>` · List one of your running servers in the public lobby');
      expect(text).toContain('`/profile` · Your balance, tier, servers, leaderboard rank and recent activity');
      expect(text).toContain('`/servers create name:<name> game:<game>`');
      const leaves = fake.commands.flatMap((c) => {
        const subs = ((c.options ?? []) as Array<{ type: number; name: string }>).filter((o) => o.type === 1);
        return subs.length ? subs.map((s) => `/${c.name} ${s.name}`) : [`/${c.name}`];
      });
      for (const path of leaves) {
        expect(text).toContain(`\`${path}`);
      }
    });

    it('/help command: explains one command; an unknown one is refused', async () => {
      const reply = await run(hal, 'help', undefined, { command: '/lobby' });
      expect(reply.embeds[0].title).toBe('📖 /lobby');
      expect(reply.embeds[0].description?.split('\n')).toEqual([
        '`/lobby add server:<server>`',
        'List one of your running servers in the public lobby',
        '`/lobby list`',
        "Running public servers, this server's community first",
        '`/lobby remove server:<server>`',
        'Take one of your servers out of the public lobby',
      ]);
      expectError(await run(hal, 'help', undefined, { command: 'nope' }), 'There is no command /nope you can use; /help lists them');
    });
  });
});
