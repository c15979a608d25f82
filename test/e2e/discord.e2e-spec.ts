import type { APIApplicationCommand } from 'discord-api-types/v10';
import { Client } from 'discord.js';
import { UsersService } from '../../src/users/users.service';
import { COLORS } from '../../src/discord/embeds';
import { type FakeDiscord } from '../fakes/fake-discord';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { EPHEMERAL } from '../fakes/fake-discord-interactions';
import { commandLimitViolations, commandPaths } from '../support/discord-command-limits';
import { classesWithoutDiscordErrorFilter, type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser, grantBalances } from '../support/factories';
import { type TestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

const KEY = /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/;

/** Sum of a metric's samples whose labels include `labels` (order-independent). */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('Discord bot (real discord.js + necord against a fake Discord)', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    bot = await startDiscordTestApp();
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  const userRow = async (u: FakeUser) =>
    (
      await t.db.query(
        'SELECT u.id, u.username, s.commands_used, s.last_active_at FROM users u JOIN user_stats s ON s.user_id = u.id WHERE u.discord_id = $1',
        [u.id],
      )
    )[0];

  // First, so no earlier handler can still be finishing while the counters are read.
  it('counts and times commands by name and outcome in /metrics', async () => {
    const scrape = async () => (await t.http().get('/metrics')).text;
    const before = await scrape();
    const u = fakeUser('measured');
    await fake.sendCommand({ user: u, name: 'credits' }).reply();
    await fake.sendCommand({ user: u, name: 'apikey', subcommand: 'revoke', options: { id: 'doesnotexist' } }).reply();
    const delta = (after: string, name: string, labels: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    // A handler is counted when it returns, which may be just after its reply reached Discord.
    const after = await pollUntil(scrape, (text) => delta(text, 'agis_bot_command_duration_seconds_count', {}) >= 2, {
      timeoutMs: 30_000,
      what: 'both commands to be timed',
    });
    expect(delta(after, 'agis_bot_commands_total', { command: 'credits', status: 'success' })).toBe(1);
    expect(delta(after, 'agis_bot_commands_total', { command: 'apikey revoke', status: 'error' })).toBe(1);
    expect(delta(after, 'agis_bot_command_duration_seconds_count', { command: 'credits' })).toBe(1);
  });

  describe('command registration', () => {
    it("registers the commands in the development guild only, within Discord's limits", () => {
      expect(fake.registrations.map((r) => r.scope)).toEqual([fake.guildId]);
      expect(commandLimitViolations(fake.commands)).toEqual([]);
      expect(commandPaths(fake.commands)).toEqual(expect.arrayContaining(['/apikey create', '/apikey list', '/apikey revoke', '/credits', '/stats']));
      const revoke = fake.commands.find((c) => c.name === 'apikey')?.options?.find((o) => o.name === 'revoke') as {
        options: Array<{ name: string; autocomplete?: boolean }>;
      };
      expect(revoke.options).toEqual([expect.objectContaining({ name: 'id', autocomplete: true })]);
    });

    it("routes every command class's errors through the Discord error filter", () => {
      expect(classesWithoutDiscordErrorFilter(t.app)).toEqual([]);
    });

    it('the limits check names each way a tree breaks them', () => {
      const bad = [
        {
          id: '1',
          application_id: '1',
          version: '1',
          type: 1,
          default_member_permissions: null,
          name: 'Servers',
          description: 'x'.repeat(101),
          options: [
            {
              type: 3,
              name: 'game',
              description: 'Game',
              required: false,
              choices: Array.from({ length: 26 }, (_, i) => ({ name: `g${i}`, value: `g${i}` })),
            },
            { type: 4, name: 'hours', description: 'Hours', required: true },
            { type: 1, name: 'start', description: '' },
          ],
        },
      ] as unknown as APIApplicationCommand[];
      expect(commandLimitViolations(bad)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('/Servers: name "Servers" must match'),
          expect.stringContaining('/Servers: description must be 1-100 characters (has 101)'),
          '/Servers game: 26 choices (max 25)',
          '/Servers: required options must come before optional ones',
          '/Servers: subcommands cannot be mixed with plain options',
          expect.stringContaining('/Servers start: description must be 1-100'),
        ]),
      );
    });
  });

  describe('/credits and /stats', () => {
    it('answers a first-time Discord user without any API key, creating the user with a zero balance', async () => {
      const u = fakeUser('newcomer');
      expect(await userRow(u)).toBeUndefined();
      const reply = await fake.sendCommand({ user: u, name: 'credits' }).reply();
      expect(reply).toMatchObject({ kind: 'callback', type: 4, ephemeral: true });
      expect(reply.embeds[0].fields).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'GameCredits', value: '0 GC' }),
          expect.objectContaining({ name: 'WTG coins', value: '0 WTG' }),
        ]),
      );
      const row = await userRow(u);
      expect(row).toMatchObject({ username: 'newcomer', commands_used: 1 });
      expect(row.last_active_at).not.toBeNull();
    });

    it('shows the balance the database holds', async () => {
      const u = fakeUser('saver');
      await fake.sendCommand({ user: u, name: 'credits' }).reply();
      await grantBalances(t, (await userRow(u)).id, { credits: 12345, wtgCoins: 3 });
      const reply = await fake.sendCommand({ user: u, name: 'credits' }).reply();
      expect(reply.embeds[0].fields).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'GameCredits', value: '12,345 GC' }),
          expect.objectContaining({ name: 'WTG coins', value: '3 WTG' }),
        ]),
      );
    });

    it('/stats counts every command the user ran, itself included', async () => {
      const u = fakeUser('regular');
      await fake.sendCommand({ user: u, name: 'credits' }).reply();
      await fake.sendCommand({ user: u, name: 'credits' }).reply();
      const reply = await fake.sendCommand({ user: u, name: 'stats' }).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0].fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Commands used', value: '3' })]));
    });
  });

  describe('/apikey', () => {
    it('create defers ephemerally and shows a key, only to the caller, that works on the REST API', async () => {
      const u = fakeUser('builder');
      const handle = fake.sendCommand({
        user: u,
        name: 'apikey',
        subcommand: 'create',
        options: { name: 'ci', scopes: 'profile:read', expires_in_days: 7 },
      });
      expect(await handle.reply()).toMatchObject({ type: 5, flags: EPHEMERAL });
      const final = await handle.final();
      expect(final).toMatchObject({ kind: 'edit', ephemeral: true });
      const key = KEY.exec(final.embeds[0].description ?? '')?.[0];
      expect(key).toBeDefined();
      expect(handle.responses.every((r) => r.ephemeral)).toBe(true);

      const me = await t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`);
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ discordId: u.id, username: 'builder' });
      // The key holds only the scope asked for.
      expect((await t.http().get('/api/v1/auth/keys').set('Authorization', `Bearer ${key}`)).status).toBe(403);
    });

    it('create refuses an unknown scope with the REST wording, in the deferred ephemeral reply', async () => {
      const u = fakeUser('typo');
      const handle = fake.sendCommand({ user: u, name: 'apikey', subcommand: 'create', options: { name: 'x', scopes: 'servers:read, nope' } });
      const final = await handle.final();
      expect(final).toMatchObject({ kind: 'edit', ephemeral: true });
      expect(final.embeds[0]).toMatchObject({ color: COLORS.error, description: 'Unknown scopes: nope' });
      expect(await t.db.query('SELECT 1 FROM api_keys k JOIN users u ON u.id = k.user_id WHERE u.discord_id = $1', [u.id])).toEqual([]);
    });

    it("list shows the caller's keys and never a secret", async () => {
      const owner = await createUser(t, { username: 'lister' });
      const u = { id: owner.discordId, username: 'lister' };
      const reply = await fake.sendCommand({ user: u, name: 'apikey', subcommand: 'list' }).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.embeds[0].description).toContain(`\`${owner.key.split('_')[1]}\` **test** · active`);
      expect(JSON.stringify(reply.body)).not.toContain(owner.key);
    });

    it("revoke suggests only the caller's active keys while typing", async () => {
      const owner = await createUser(t, { username: 'suggest' });
      const other = await createUser(t);
      const ownerKeyId = owner.key.split('_')[1];
      const reply = await fake
        .sendAutocomplete({
          user: { id: owner.discordId, username: 'suggest' },
          name: 'apikey',
          subcommand: 'revoke',
          focused: 'id',
          options: { id: ownerKeyId.slice(0, 4) },
        })
        .reply();
      expect(reply.type).toBe(8);
      expect(reply.choices).toEqual([{ name: `${ownerKeyId} · test`, value: ownerKeyId }]);
      expect(JSON.stringify(reply.choices)).not.toContain(other.key.split('_')[1]);
    });

    it("revoke of another user's key is an ephemeral error worded like the REST error, and the key keeps working", async () => {
      const owner = await createUser(t);
      const intruder = await createUser(t, { username: 'intruder' });
      const keyId = owner.key.split('_')[1];
      const rest = await t.http().delete(`/api/v1/auth/keys/${keyId}`).set(intruder.auth);
      expect(rest.status).toBe(404);
      const reply = await fake
        .sendCommand({ user: { id: intruder.discordId, username: 'intruder' }, name: 'apikey', subcommand: 'revoke', options: { id: keyId } })
        .reply();
      expect(reply).toMatchObject({ type: 4, ephemeral: true });
      expect(reply.embeds[0]).toMatchObject({ color: COLORS.error, description: rest.body.error.message });
      expect(rest.body.error.message).toBe(`API key ${keyId} not found`);
      expect((await t.http().get('/api/v1/users/me').set(owner.auth)).status).toBe(200);
    });

    it("revoke of one's own key stops it working on REST", async () => {
      const owner = await createUser(t, { username: 'revoker' });
      const keyId = owner.key.split('_')[1];
      const reply = await fake
        .sendCommand({ user: { id: owner.discordId, username: 'revoker' }, name: 'apikey', subcommand: 'revoke', options: { id: keyId } })
        .reply();
      expect(reply.embeds[0]).toMatchObject({ color: COLORS.success, title: '✅ API key revoked' });
      const res = await t.http().get('/api/v1/users/me').set(owner.auth);
      expect(res.status).toBe(401);
    });
  });

  describe('failures', () => {
    it('an unexpected handler error becomes an ephemeral "Something went wrong (ref …)" and the bot keeps serving', async () => {
      const users = t.app.get(UsersService);
      const spy = jest.spyOn(users, 'getProfile').mockRejectedValueOnce(new Error('connection reset'));
      const u = fakeUser('unlucky');
      try {
        const reply = await fake.sendCommand({ user: u, name: 'credits' }).reply();
        expect(reply).toMatchObject({ type: 4, ephemeral: true });
        expect(reply.embeds[0].description).toMatch(/^Something went wrong \(ref [0-9a-f]{8}\)$/);
        expect(JSON.stringify(reply.body)).not.toContain('connection reset');
      } finally {
        spy.mockRestore();
      }
      const again = await fake.sendCommand({ user: u, name: 'credits' }).reply();
      expect(again.embeds[0].fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'GameCredits' })]));
    });

    it('a client error event is logged instead of crashing the process', () => {
      const client = t.app.get(Client);
      expect(client.listenerCount('error')).toBeGreaterThan(0);
      expect(() => client.emit('error', new Error('gateway hiccup'))).not.toThrow();
    });
  });

  it("answers many concurrent commands, each with the caller's own balance", async () => {
    // How fast (p50/p99 against Discord's 3-second deadline) is measured by `npm run bench`, not asserted here.
    const users = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const u = await createUser(t, { credits: 100 + i });
        return { id: u.discordId, username: `crowd-${i}` };
      }),
    );
    const replies = await Promise.all(users.map((u) => fake.sendCommand({ user: u, name: 'credits' }).reply()));
    replies.forEach((reply, i) => {
      const gc = reply.embeds[0].fields?.find((f: { name: string }) => f.name === 'GameCredits');
      expect(gc?.value).toBe(`${100 + i} GC`);
    });
  });
});
