import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import { SCOPES_TEXT_MAX } from '../../src/api-keys/dto/create-api-key.options';
import { CreditsService } from '../../src/credits/credits.service';
import { COLORS } from '../../src/discord/embeds';
import { WtgLedgerService } from '../../src/credits/wtg-ledger.service';
import { type FakeDiscord } from '../fakes/fake-discord';
import { type BotResponse, type CommandInput, EPHEMERAL } from '../fakes/fake-discord-interactions';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { commandLimitViolations, commandPaths, commandsWithoutDeclaredReach, stringOptionMaxLengths } from '../support/discord-command-limits';
import { classesWithoutDiscordErrorFilter, type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser, type TestUser } from '../support/factories';
import { balanceOf, expectCredits, expectLedgerConsistent } from '../support/ledger-checks';
import { pollUntil } from '../support/poll';
import { type TestApp } from '../support/test-app';

const KEY = /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/;
/** A valid 99-character cron whose English description is about 800 characters. */
const LONG_CRON = '1-3/2,5-7/2,9-11/2,13-15/2,17-19/2 1-3/2,5-7/2 1-3/2,5-7/2,9-11/2,13-15/2,17-19/2 1-3/2 0-2/2,4-6/2';
/** One of the longest IANA zone names (32 characters). */
const LONGEST_ZONE = 'America/Argentina/ComodRivadavia';
/** Characters Discord counts towards a message's 6,000 across its embeds. */
const embedsLength = (r: BotResponse) =>
  r.embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );

const EVERY_COMMAND = [
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
  '/apikey create',
  '/apikey list',
  '/apikey revoke',
  '/convert',
  '/credits',
  '/daily',
  '/earn',
  '/games',
  '/gift',
  '/guild channel set',
  '/guild deposit',
  '/guild servers create',
  '/guild servers delete',
  '/guild servers list',
  '/guild servers start',
  '/guild servers stop',
  '/guild treasury',
  '/help',
  '/leaderboard credits',
  '/leaderboard servers',
  '/lobby add',
  '/lobby list',
  '/lobby remove',
  '/premium buy',
  '/premium info',
  '/profile',
  '/schedule delete',
  '/schedule disable',
  '/schedule enable',
  '/schedule help',
  '/schedule list',
  '/schedule restart',
  '/schedule start',
  '/schedule stop',
  '/servers create',
  '/servers delete',
  '/servers info',
  '/servers list',
  '/servers restart',
  '/servers start',
  '/servers stop',
  '/shop buy',
  '/shop list',
  '/stats',
  '/transactions',
  '/work',
];

type Row = Record<string, unknown>;

const field = (embed: APIEmbed, name: string) => embed.fields?.find((f) => f.name === name)?.value;
const buttonsOf = (r: BotResponse) =>
  (r.components as APIActionRowComponent<APIButtonComponent>[])
    .flatMap((row) => row.components)
    .map((b) => ({ label: (b as { label?: string }).label, customId: (b as { custom_id?: string }).custom_id as string }));
const unix = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);
/** Wall-clock `HH:MM` of an instant in a time zone. */
const wallClock = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

describe('Discord session: every command through the real discord.js + necord against the fake Discord', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    // The scheduler role follows GameServers through the Agones watch (and would run due schedules).
    bot = await startDiscordTestApp({ AGIS_ROLES: 'api,bot,scheduler', LOCAL_AGONES_STEP_MS: '10' });
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  /** Sends a slash command and returns what the user ends up seeing (the reply, or the edit after a deferral). */
  const run = (user: FakeUser, name: string, subcommand?: string, options?: CommandInput['options']) =>
    fake.sendCommand({ user, name, subcommand, options }).final();
  const suggest = async (user: FakeUser, name: string, subcommand: string, focused: string, options: CommandInput['options'] = {}) =>
    (await fake.sendAutocomplete({ user, name, subcommand, focused, options }).reply()).choices;
  const asDiscord = (u: TestUser, username: string): FakeUser => ({ id: u.discordId, username });
  const serverRow = async (id: string): Promise<Row | undefined> => (await t.db.query('SELECT * FROM servers WHERE id = $1', [id]))[0];
  const statusOf = async (id: string) => (await serverRow(id))?.status;
  const waitForStatus = (id: string, status: string) =>
    pollUntil(
      async () => (await serverRow(id))?.status,
      (s) => s === status,
      { timeoutMs: 30_000, what: `server ${id} to be ${status}` },
    );
  const userIdOf = async (u: FakeUser): Promise<string> => (await t.db.query('SELECT id FROM users WHERE discord_id = $1', [u.id]))[0].id;
  const expectError = (r: BotResponse, message: string) => {
    expect(r.ephemeral).toBe(true);
    expect(r.embeds[0]).toMatchObject({ color: COLORS.error, description: message });
  };

  describe('command tree', () => {
    it("registers every command, within Discord's limits for names, descriptions and options", () => {
      expect(commandLimitViolations(fake.commands)).toEqual([]);
      expect(commandPaths(fake.commands)).toEqual(expect.arrayContaining(EVERY_COMMAND));
    });

    it('autocompletes servers, game types, time zones and schedule ids', () => {
      const optionsOf = (name: string, sub: string) =>
        (
          (fake.commands.find((c) => c.name === name)?.options ?? []).find((o) => o.name === sub) as {
            options: Array<{ name: string; autocomplete?: boolean; required?: boolean }>;
          }
        ).options;
      const autocompleted = (name: string, sub: string) =>
        optionsOf(name, sub)
          .filter((o) => o.autocomplete)
          .map((o) => o.name);
      expect(autocompleted('servers', 'create')).toEqual(['game']);
      for (const sub of ['info', 'start', 'stop', 'restart', 'delete']) {
        expect(autocompleted('servers', sub)).toEqual(['server']);
      }
      for (const sub of ['start', 'stop', 'restart']) {
        expect(autocompleted('schedule', sub)).toEqual(['server', 'timezone']);
        expect(optionsOf('schedule', sub).find((o) => o.name === 'timezone')?.required).toBe(false);
      }
      for (const sub of ['delete', 'enable', 'disable']) {
        expect(autocompleted('schedule', sub)).toEqual(['id']);
      }
    });

    it('declares where every command may be used: installed to servers, used inside a server', () => {
      expect(commandsWithoutDeclaredReach(fake.commands)).toEqual([]);
      for (const c of fake.commands) {
        expect({ name: c.name, contexts: c.contexts, integrationTypes: c.integration_types }).toEqual({
          name: c.name,
          contexts: [0],
          integrationTypes: [0],
        });
      }
    });

    it('bounds what a user can type into every text option', () => {
      const bounds = stringOptionMaxLengths(fake.commands);
      expect(Object.keys(bounds).length).toBeGreaterThan(10);
      expect(Object.entries(bounds).filter(([, max]) => max === undefined)).toEqual([]);
      expect(bounds).toMatchObject({
        '/servers start server': 100,
        '/schedule start timezone': 64,
        '/schedule start cron': 100,
        '/apikey create scopes': expect.any(Number),
      });
    });

    it('routes the errors of every command and button class through the Discord error filter', () => {
      expect(classesWithoutDiscordErrorFilter(t.app)).toEqual([]);
    });
  });

  describe('a scripted session', () => {
    const alice = fakeUser('alice');
    let aliceId: string;
    let serverId: string;
    let key: string;

    it('/credits creates the player on first contact', async () => {
      const reply = await run(alice, 'credits');
      expect(field(reply.embeds[0], 'GameCredits')).toBe('0 GC');
      aliceId = await userIdOf(alice);
      await t.app.get(CreditsService).grant(aliceId, 1000, 'test_grant');
      await t.app.get(WtgLedgerService).grant(aliceId, 3, 'wtg_purchase', { idempotencyKey: `test:${aliceId}`, reference: 'order-1' });
    });

    it('/games and /shop show the catalog and the packages', async () => {
      const games = await run(alice, 'games');
      expect(games.embeds[0].fields).toHaveLength(14);
      expect(games.embeds[0].fields?.[0]).toEqual({ name: 'Minecraft (Java)', value: '`minecraft` · 30 GC/h', inline: true });
      expect(games.embeds[0].footer?.text).toBe('Create one with /servers create (game: the key shown)');
      const shop = await run(alice, 'shop', 'list');
      expect(shop.embeds[0].description).toContain('**11 WTG (10 + 1 bonus)** · 9.99 USD · worth 11,000 GC');
    });

    it('/servers create suggests game types, defers, and the server reaches running', async () => {
      expect(await suggest(alice, 'servers', 'create', 'game', { name: 'survival', game: 'mine' })).toEqual([
        { name: 'Minecraft (Java) · 30 GC/h', value: 'minecraft' },
      ]);
      const handle = fake.sendCommand({ user: alice, name: 'servers', subcommand: 'create', options: { name: 'survival', game: 'minecraft' } });
      expect(await handle.reply()).toMatchObject({ type: 5, flags: EPHEMERAL });
      const final = await handle.final();
      expect(final).toMatchObject({ kind: 'edit', ephemeral: true });
      expect(final.embeds[0]).toMatchObject({ title: 'survival', description: 'Server created.' });
      expect(field(final.embeds[0], 'Cost')).toBe('30 GC / hour');
      const [row] = await t.db.query('SELECT id FROM servers WHERE owner_id = $1 AND name = $2', [aliceId, 'survival']);
      serverId = row.id;
      expect(final.embeds[0].footer?.text).toBe(`id ${serverId}`);
      await waitForStatus(serverId, 'running');

      const info = await run(alice, 'servers', 'info', { server: serverId });
      const s = (await serverRow(serverId)) as Row;
      expect(info.embeds[0]).toMatchObject({ title: 'survival', color: 0x57f287 });
      expect(field(info.embeds[0], 'Status')).toBe('🟢 Running');
      expect(field(info.embeds[0], 'Address')).toBe(`\`${s.address}:${s.port}\``);
      // Every port with its name, number and protocol, and who is on it, as the record holds them.
      expect(s.ports).toEqual([{ name: 'game', port: s.port, protocol: 'TCP' }]);
      expect(field(info.embeds[0], 'Ports')).toBe(`\`game\` ${s.port}/TCP`);
      expect({ online: s.players_online, max: s.players_max }).toEqual({ online: 0, max: 20 });
      expect(field(info.embeds[0], 'Players')).toBe('0 / 20');
      const charges = await t.db.query('SELECT amount::int, reason FROM credit_transactions WHERE user_id = $1 AND reference = $2', [
        aliceId,
        serverId,
      ]);
      expect(charges).toEqual([{ amount: -30, reason: 'server_hour' }]);
    });

    it('/servers list and the server autocomplete show the server by name', async () => {
      const list = await run(alice, 'servers', 'list');
      expect(list.embeds[0].description).toMatch(/^🟢 Running \*\*survival\*\* · minecraft · 30 GC\/h · `127\.0\.0\.1:\d+` · 👥 0 \/ 20$/);
      expect(await suggest(alice, 'servers', 'info', 'server', { server: 'SURV' })).toEqual([
        { name: 'survival · minecraft · running', value: serverId },
      ]);
    });

    it('/servers stop, start and restart change the server and its record', async () => {
      const stop = await run(alice, 'servers', 'stop', { server: serverId });
      expect(stop).toMatchObject({ kind: 'edit', ephemeral: true });
      expect(stop.embeds[0].description).toContain('on its way to **stopped**');
      await waitForStatus(serverId, 'stopped');
      expect((await serverRow(serverId))?.address).toBeNull();

      const start = await run(alice, 'servers', 'start', { server: serverId });
      expect(start.embeds[0].description).toContain('on its way to **running**');
      await waitForStatus(serverId, 'running');
      const restart = await run(alice, 'servers', 'restart', { server: serverId });
      expect(restart.embeds[0].description).toContain('on its way to **running**');
      await waitForStatus(serverId, 'running');
      // The paid hour was still running: neither the start nor the restart charged again.
      expect(
        await t.db.query('SELECT count(*)::int AS n FROM credit_transactions WHERE user_id = $1 AND reason = $2', [aliceId, 'server_hour']),
      ).toEqual([{ n: 1 }]);
    });

    it('/schedule start at 0 8 * * * in Europe/Paris stores the schedule with its next run at 08:00 Paris time', async () => {
      expect(await suggest(alice, 'schedule', 'start', 'timezone', { server: serverId, cron: '0 8 * * *', timezone: 'paris' })).toEqual([
        { name: 'Europe/Paris', value: 'Europe/Paris' },
      ]);
      expect(await suggest(alice, 'schedule', 'start', 'server', { server: 'surv' })).toEqual([expect.objectContaining({ value: serverId })]);
      const reply = await run(alice, 'schedule', 'start', { server: serverId, cron: '0 8 * * *', timezone: 'Europe/Paris' });
      expect(reply).toMatchObject({ type: 4, ephemeral: true });
      expect(reply.embeds[0].title).toBe('✅ Schedule created');
      const rows: Row[] = await t.db.query('SELECT * FROM server_schedules WHERE server_id = $1', [serverId]);
      expect(rows).toEqual([
        expect.objectContaining({ owner_id: aliceId, action: 'start', cron: '0 8 * * *', timezone: 'Europe/Paris', enabled: true }),
      ]);
      const next = rows[0].next_run_at as Date;
      expect(wallClock(next, 'Europe/Paris')).toBe('08:00');
      expect(next.getTime()).toBeGreaterThan(Date.now());
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
      expect(field(reply.embeds[0], 'Next run')).toContain(`<t:${unix(next)}:R>`);
    });

    it('/schedule list shows it with its server, cron, description and next run as a Discord timestamp', async () => {
      const [row] = await t.db.query('SELECT id, next_run_at FROM server_schedules WHERE server_id = $1', [serverId]);
      const reply = await run(alice, 'schedule', 'list');
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0].fields).toEqual([
        {
          name: '🟢 start survival',
          value: `\`0 8 * * *\` (Europe/Paris) · At 08:00, every day\nNext run: <t:${unix(row.next_run_at)}:f> (<t:${unix(row.next_run_at)}:R>)\nid \`${row.id}\``,
        },
      ]);
      expect(await suggest(alice, 'schedule', 'disable', 'id', { id: '0 8' })).toEqual([
        { name: 'start survival · 0 8 * * * (Europe/Paris)', value: row.id },
      ]);
    });

    it('/schedule disable and enable flip the schedule; /schedule help explains cron', async () => {
      const [row] = await t.db.query('SELECT id FROM server_schedules WHERE server_id = $1', [serverId]);
      await run(alice, 'schedule', 'disable', { id: row.id });
      expect((await t.db.query('SELECT enabled, next_run_at FROM server_schedules WHERE id = $1', [row.id]))[0]).toEqual({
        enabled: false,
        next_run_at: null,
      });
      await run(alice, 'schedule', 'enable', { id: row.id });
      expect((await t.db.query('SELECT enabled FROM server_schedules WHERE id = $1', [row.id]))[0]).toEqual({ enabled: true });
      const help = await run(alice, 'schedule', 'help');
      const text = JSON.stringify(help.embeds[0]);
      for (const example of ['0 8 * * *', '0 */6 * * *', '30 2 * * 1-5', 'Europe/Paris']) {
        expect(text).toContain(example);
      }
    });

    it('/daily grants the bonus once; a second claim is refused with the REST wording', async () => {
      const reply = await run(alice, 'daily');
      expect(reply).toMatchObject({ ephemeral: true });
      expect(reply.embeds[0].title).toBe('✅ +50 GC');
      expect(await t.db.query('SELECT amount::int FROM credit_transactions WHERE user_id = $1 AND reason = $2', [aliceId, 'daily_bonus'])).toEqual([
        { amount: 50 },
      ]);
      const again = await run(alice, 'daily');
      expect(again.embeds[0]).toMatchObject({ color: COLORS.error });
      expect(again.embeds[0].description).toMatch(/^Daily bonus already claimed; next claim in (23 h 59|24 h 0) min$/);
    });

    it('/convert turns WTG coins into GameCredits', async () => {
      const reply = await run(alice, 'convert', undefined, { wtg: 2 });
      expect(reply.embeds[0].description).toBe('2 WTG → 2,000 GC');
      expect(field(reply.embeds[0], 'WTG coins')).toBe('1 WTG');
      expect(await t.db.query('SELECT amount::int FROM credit_transactions WHERE user_id = $1 AND reason = $2', [aliceId, 'wtg_conversion'])).toEqual(
        [{ amount: 2000 }],
      );
    });

    it('/apikey create gives a key that works on REST and sees the same servers and schedules', async () => {
      const final = await run(alice, 'apikey', 'create', { name: 'session' });
      key = KEY.exec(final.embeds[0].description ?? '')?.[0] as string;
      expect(key).toBeDefined();
      const servers = await t.http().get('/api/v1/servers').set('Authorization', `Bearer ${key}`);
      expect(servers.status).toBe(200);
      expect(servers.body.data).toEqual([expect.objectContaining({ id: serverId, name: 'survival', status: 'running' })]);
      const schedules = await t.http().get('/api/v1/schedules').set('Authorization', `Bearer ${key}`);
      expect(schedules.body.data).toEqual([expect.objectContaining({ serverId, cron: '0 8 * * *', timezone: 'Europe/Paris', action: 'start' })]);
    });

    it("/leaderboard credits shows the top with the caller's rank, as REST does", async () => {
      const reply = await run(alice, 'leaderboard', 'credits');
      const rest = await t.http().get('/api/v1/leaderboard/credits').set('Authorization', `Bearer ${key}`);
      const balance = await balanceOf(t, aliceId);
      expect(rest.body.data.you).toEqual({ rank: expect.any(Number), value: balance });
      expect(field(reply.embeds[0], 'Your rank')).toBe(`#${rest.body.data.you.rank} · ${balance.toLocaleString('en-US')} GC`);
      expect(reply.embeds[0].description).toContain(`alice · ${balance.toLocaleString('en-US')} GC ← you`);
      const servers = await run(alice, 'leaderboard', 'servers');
      expect(servers.embeds[0].title).toBe('🏆 Biggest hosts');
    });

    it('leaves the ledger consistent: 1000 granted − 30 for the hour + 50 daily + 2000 converted', async () => {
      await expectCredits(t, aliceId, 1000 - 30 + 50 + 2000);
      await expectLedgerConsistent(t, aliceId);
    });

    it("/servers delete asks first; another user's press is refused, cancel keeps it, confirm deletes it", async () => {
      const prompt = await run(alice, 'servers', 'delete', { server: serverId });
      expect(prompt).toMatchObject({ type: 4, ephemeral: true });
      expect(prompt.embeds[0]).toMatchObject({ title: '⚠️ Delete survival?', color: COLORS.warning });
      const [confirm, cancel] = buttonsOf(prompt);
      expect(confirm).toEqual({ label: 'Delete', customId: `servers-delete/confirm/${serverId}/${alice.id}` });
      expect(cancel).toEqual({ label: 'Cancel', customId: `servers-delete/cancel/${serverId}/${alice.id}` });

      const mallory = fakeUser('mallory');
      const refused = await fake.pressButton({ user: mallory, customId: confirm.customId, message: prompt.message }).final();
      expect(refused).toMatchObject({ type: 4 });
      expectError(refused, 'Only the user who ran /servers delete can answer this confirmation');
      expect(await statusOf(serverId)).toBe('running');

      const cancelled = await fake.pressButton({ user: alice, customId: cancel.customId, message: prompt.message }).final();
      expect(cancelled).toMatchObject({ type: 7, components: [] });
      expect(cancelled.embeds[0].title).toBe('Deletion cancelled');
      expect(await statusOf(serverId)).toBe('running');

      const again = await run(alice, 'servers', 'delete', { server: serverId });
      const press = fake.pressButton({ user: alice, customId: buttonsOf(again)[0].customId, message: again.message });
      expect(await press.reply()).toMatchObject({ type: 7, components: [] });
      const done = await pollUntil(
        async () => press.responses.find((r) => r.kind === 'edit'),
        (r) => r !== undefined,
        { what: 'the deletion result' },
      );
      expect(done?.embeds[0]).toMatchObject({ title: '✅ Server deleted', description: '**survival** (minecraft) was stopped and deleted.' });
      expect(await serverRow(serverId)).toBeUndefined();
    });
  });

  describe('/servers info of a game with several ports', () => {
    it('lists every port with its name, number and protocol, and the players online / max', async () => {
      const frank = await createUser(t, { username: 'frank', credits: 500 });
      const created = await t.http().post('/api/v1/servers').set(frank.auth).send({ name: 'island', gameType: 'rust' });
      expect(created.status).toBe(201);
      const id = created.body.data.id as string;
      await waitForStatus(id, 'running');
      const rest = (await t.http().get(`/api/v1/servers/${id}`).set(frank.auth)).body.data;
      expect(rest.ports).toEqual([
        { name: 'game', port: expect.any(Number), protocol: 'UDP' },
        { name: 'rcon', port: expect.any(Number), protocol: 'TCP' },
      ]);
      expect(rest.players).toEqual({ online: 0, max: 20 });

      const info = await run(asDiscord(frank, 'frank'), 'servers', 'info', { server: id });
      expect(info.ephemeral).toBe(true);
      expect(field(info.embeds[0], 'Status')).toBe('🟢 Running');
      expect(field(info.embeds[0], 'Ports')).toBe(`\`game\` ${rest.ports[0].port}/UDP\n\`rcon\` ${rest.ports[1].port}/TCP`);
      expect(field(info.embeds[0], 'Players')).toBe('0 / 20');
      await expectCredits(t, frank.userId, 500 - 220);
    });
  });

  describe('errors are ephemeral and worded like the REST errors', () => {
    let bob: TestUser;
    let bobServer: string;
    beforeAll(async () => {
      bob = await createUser(t, { username: 'bob', credits: 100 });
      const res = await t.http().post('/api/v1/servers').set(bob.auth).send({ name: 'bobs', gameType: 'terraria', start: false });
      expect(res.status).toBe(201);
      bobServer = res.body.data.id;
    });

    it('another user\'s server is "not found" from /servers info and /servers start, and is never suggested', async () => {
      const eve = await createUser(t, { username: 'eve', credits: 500 });
      const rest = await t.http().get(`/api/v1/servers/${bobServer}`).set(eve.auth);
      expect(rest.status).toBe(404);
      expect(rest.body.error.message).toBe(`Server ${bobServer} not found`);

      const info = await run(asDiscord(eve, 'eve'), 'servers', 'info', { server: bobServer });
      expect(info).toMatchObject({ kind: 'callback', type: 4 });
      expectError(info, rest.body.error.message);
      const start = await run(asDiscord(eve, 'eve'), 'servers', 'start', { server: bobServer });
      expect(start).toMatchObject({ kind: 'edit' });
      expectError(start, rest.body.error.message);
      expect(await suggest(asDiscord(eve, 'eve'), 'servers', 'start', 'server', { server: '' })).toEqual([]);
      expect(await statusOf(bobServer)).toBe('stopped');
      expect(await t.db.query('SELECT count(*)::int AS n FROM credit_transactions WHERE user_id = $1', [eve.userId])).toEqual([{ n: 1 }]);
    });

    it('insufficient credits on /servers create edits the deferral with the REST message and creates nothing', async () => {
      const carol = await createUser(t, { username: 'carol', credits: 100 });
      const rest = await t.http().post('/api/v1/servers').set(carol.auth).send({ name: 'big', gameType: 'rust' });
      expect(rest.status).toBe(422);
      expect(rest.body.error.code).toBe('INSUFFICIENT_CREDITS');
      const handle = fake.sendCommand({
        user: asDiscord(carol, 'carol'),
        name: 'servers',
        subcommand: 'create',
        options: { name: 'big', game: 'rust' },
      });
      expect(await handle.reply()).toMatchObject({ type: 5, flags: EPHEMERAL });
      const final = await handle.final();
      expect(final.kind).toBe('edit');
      expectError(final, rest.body.error.message);
      expect(rest.body.error.message).toBe('Not enough GameCredits: 220 GC needed, 100 GC available');
      expect(await t.db.query('SELECT 1 FROM servers WHERE owner_id = $1', [carol.userId])).toEqual([]);
      await expectLedgerConsistent(t, carol.userId);
    });

    it('a bad cron is refused with the INVALID_CRON message and stores nothing', async () => {
      const rest = await t.http().post(`/api/v1/servers/${bobServer}/schedules`).set(bob.auth).send({ action: 'start', cron: '0 8 * *' });
      expect(rest.status).toBe(400);
      expect(rest.body.error.code).toBe('INVALID_CRON');
      const reply = await run(asDiscord(bob, 'bob'), 'schedule', 'start', { server: bobServer, cron: '0 8 * *' });
      expect(reply).toMatchObject({ type: 4 });
      expectError(reply, rest.body.error.message);
      expect(rest.body.error.message).toBe(
        "Invalid cron expression '0 8 * *': expected 5 fields (minute, hour, day of month, month, day of week), got 4",
      );
      const tz = await run(asDiscord(bob, 'bob'), 'schedule', 'stop', { server: bobServer, cron: '0 8 * * *', timezone: 'Mars/Olympus' });
      expectError(tz, "Unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Paris or UTC");
      expect(await t.db.query('SELECT 1 FROM server_schedules WHERE server_id = $1', [bobServer])).toEqual([]);
    });

    it("another user's schedule cannot be deleted", async () => {
      const created = await t.http().post(`/api/v1/servers/${bobServer}/schedules`).set(bob.auth).send({ action: 'stop', cron: '0 23 * * *' });
      const id = created.body.data.id;
      const reply = await run(fakeUser('intruder'), 'schedule', 'delete', { id });
      expectError(reply, `Schedule ${id} not found`);
      expect(await t.db.query('SELECT 1 FROM server_schedules WHERE id = $1', [id])).toHaveLength(1);
      const own = await run(asDiscord(bob, 'bob'), 'schedule', 'delete', { id });
      expect(own.embeds[0].title).toBe('✅ Schedule deleted');
      expect(await t.db.query('SELECT 1 FROM server_schedules WHERE id = $1', [id])).toEqual([]);
    });
  });

  describe('the largest inputs and data the bot accepts still give replies Discord takes', () => {
    let dora: TestUser;
    let doraServer: string;
    const asDora = () => asDiscord(dora, 'dora');
    beforeAll(async () => {
      dora = await createUser(t, { username: 'dora', credits: 1000 });
      const res = await t
        .http()
        .post('/api/v1/servers')
        .set(dora.auth)
        .send({ name: 'd'.repeat(32), gameType: 'minecraft', start: false });
      expect(res.status).toBe(201);
      doraServer = res.body.data.id;
    });

    it('/schedule list shows ten schedules whose crons read as ~800 characters each, cut with "…" to fit one reply', async () => {
      expect(LONG_CRON).toHaveLength(99);
      for (let i = 0; i < 10; i += 1) {
        const res = await t
          .http()
          .post(`/api/v1/servers/${doraServer}/schedules`)
          .set(dora.auth)
          .send({ action: i % 2 ? 'stop' : 'start', cron: LONG_CRON, timezone: LONGEST_ZONE });
        expect(res.status).toBe(201);
        expect(res.body.data.description.length).toBeGreaterThan(750);
      }
      const ids = (await t.db.query('SELECT id FROM server_schedules WHERE server_id = $1', [doraServer])).map((r: Row) => r.id);
      const reply = await run(asDora(), 'schedule', 'list');
      expect(reply).toMatchObject({ ephemeral: true });
      expect(reply.embeds[0].title).toBe('⏰ Your schedules');
      const fields = reply.embeds[0].fields ?? [];
      expect(fields).toHaveLength(10);
      for (const f of fields) {
        expect(f.value.length).toBeLessThanOrEqual(1024);
        expect(f.value).toContain(`\`${LONG_CRON}\` (${LONGEST_ZONE}) · Every 2 minutes`);
        expect(f.value).toMatch(/…\nNext run: <t:\d+:f> \(<t:\d+:R>\)\nid `[0-9a-f-]{36}`$/);
      }
      expect(fields.map((f) => /id `([0-9a-f-]{36})`$/.exec(f.value)?.[1]).sort()).toEqual([...ids].sort());
      expect(embedsLength(reply)).toBeLessThanOrEqual(6000);
    });

    it('/schedule start with the longest cron and time zone answers with the whole description', async () => {
      const reply = await run(asDora(), 'schedule', 'restart', { server: doraServer, cron: LONG_CRON, timezone: LONGEST_ZONE });
      expect(reply.embeds[0].title).toBe('✅ Schedule created');
      expect(reply.embeds[0].description).toContain('Every 2 minutes, minutes 1 through 3 past the hour');
      expect(reply.embeds[0].fields?.find((f) => f.name === 'Cron')?.value).toBe(`\`${LONG_CRON}\``);
    });

    it('errors repeat long input cut short with "…", with the same text as REST', async () => {
      const typed = 'z'.repeat(100);
      const rest = await t.http().get(`/api/v1/servers/${typed}`).set(dora.auth);
      expect(rest.status).toBe(404);
      expect(rest.body.error.message).toBe(`Server ${'z'.repeat(63)}… not found`);
      for (const sub of ['start', 'stop', 'restart']) {
        const reply = await run(asDora(), 'servers', sub, { server: typed });
        expect(reply.kind).toBe('edit');
        expectError(reply, rest.body.error.message);
      }
      expectError(await run(asDora(), 'servers', 'info', { server: typed }), rest.body.error.message);

      const restSchedule = await t
        .http()
        .delete(`/api/v1/schedules/${'s'.repeat(300)}`)
        .set(dora.auth);
      expect(restSchedule.body.error.message).toBe(`Schedule ${'s'.repeat(63)}… not found`);
      expectError(await run(asDora(), 'schedule', 'delete', { id: 's'.repeat(100) }), restSchedule.body.error.message);
      expectError(await run(asDora(), 'apikey', 'revoke', { id: 'k'.repeat(100) }), `API key ${'k'.repeat(63)}… not found`);

      const zone = `Mars/${'Olympus_Mons'.repeat(5)}`.slice(0, 64);
      expectError(
        await run(asDora(), 'schedule', 'start', { server: doraServer, cron: '0 8 * * *', timezone: zone }),
        `Unknown time zone '${zone}': use an IANA name such as Europe/Paris or UTC`,
      );

      // Each name ends in x, so the one cut short by the option's length is never a repeat of an earlier one (a repeat is listed once).
      const junk = Array.from({ length: 40 }, (_, i) => `nope${i}x`)
        .join(',')
        .slice(0, SCOPES_TEXT_MAX);
      const scopes = await run(asDora(), 'apikey', 'create', { name: 'k'.repeat(64), scopes: junk });
      expect(scopes.kind).toBe('edit');
      expectError(scopes, `Unknown scopes: ${junk.split(',').join(', ')}`);
    });

    it("autocomplete writes nothing: no user for someone who never ran a command, no lock on a known user's row", async () => {
      const stranger = fakeUser('stranger');
      expect(await suggest(stranger, 'servers', 'info', 'server', { server: '' })).toEqual([]);
      expect(await suggest(stranger, 'schedule', 'delete', 'id', { id: '' })).toEqual([]);
      expect((await suggest(stranger, 'servers', 'create', 'game', { name: 'x', game: 'mine' })).map((c) => c.value)).toEqual(['minecraft']);
      expect(await t.db.query('SELECT 1 FROM users WHERE discord_id = $1', [stranger.id])).toEqual([]);

      // A row lock (what INSERT … ON CONFLICT DO UPDATE takes even when it changes nothing) stamps xmax.
      const rowVersion = async () => (await t.db.query('SELECT xmin::text, xmax::text, updated_at FROM users WHERE id = $1', [dora.userId]))[0];
      const before = await rowVersion();
      for (const typed of ['d', 'dd', 'ddd']) {
        expect(await suggest(asDora(), 'servers', 'info', 'server', { server: typed })).toEqual([expect.objectContaining({ value: doraServer })]);
      }
      expect(await rowVersion()).toEqual(before);
    });

    it('when Discord refuses an answer, the user gets a short ephemeral note saying so, never silence', async () => {
      fake.refuseNextMessages(1);
      const refused = await run(asDora(), 'credits');
      expect(refused).toMatchObject({ kind: 'callback', type: 4, ephemeral: true });
      expect(refused.embeds[0]).toMatchObject({ color: COLORS.error });
      expect(refused.embeds[0].description).toMatch(
        /^Discord refused to show this answer \(50035 Invalid Form Body\); it was logged as ref [0-9a-f]{8}\.$/,
      );

      // A deferred command: the refused edit is replaced by the note, so the reply never stays "thinking…".
      fake.refuseNextMessages(1);
      const deferred = fake.sendCommand({ user: asDora(), name: 'apikey', subcommand: 'create', options: { name: 'refused' } });
      expect(await deferred.reply()).toMatchObject({ type: 5, flags: EPHEMERAL });
      const note = await deferred.final();
      expect(note).toMatchObject({ kind: 'edit', ephemeral: true });
      expect(note.embeds[0].description).toMatch(/^Discord refused to show this answer \(50035/);

      // If the note is refused too, it goes out as plain text.
      fake.refuseNextMessages(2);
      const plain = await fake.sendCommand({ user: asDora(), name: 'apikey', subcommand: 'create', options: { name: 'refused twice' } }).final();
      expect(plain).toMatchObject({ kind: 'edit', ephemeral: true, embeds: [] });
      expect(plain.content).toMatch(/^❌ Discord refused to show this answer \(50035 Invalid Form Body\); it was logged as ref [0-9a-f]{8}\.$/);
    });
  });

  it('Discord refused nothing the bot sent in this session except the refusals the tests injected', () => {
    expect(
      fake.refusals.filter((r) => !JSON.stringify(r.answer).includes('INJECTED_BY_TEST')).map((r) => ({ path: r.path, answer: r.answer })),
    ).toEqual([]);
    expect(fake.refusals).toHaveLength(4);
  });
});
