import { fakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, discordUserWithCredits, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser, errorEnvelope } from '../support/factories';
import { createServer, waitForStatus } from '../support/server-steps';
import { type TestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

describe('server logs: GET /api/v1/servers/:id/logs and /servers logs (LocalAgones)', () => {
  let bot: DiscordTestBot;
  let t: TestApp;
  beforeAll(async () => {
    bot = await startDiscordTestApp({ AGIS_ROLES: 'api,bot,scheduler', LOCAL_AGONES_STEP_MS: '10' });
    ({ t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  describe('auth and validation', () => {
    it('needs a key with servers:read, a whole tail from 1 to 500, and a server of the caller', async () => {
      const owner = await createUser(t, { credits: 200 });
      const id = (await createServer(t, owner, { name: 'chatty', gameType: 'minecraft', start: false })).body.data.id as string;
      expect((await t.http().get(`/api/v1/servers/${id}/logs`)).status).toBe(401);
      const narrow = await createUser(t, { scopes: ['profile:read'] });
      expect((await t.http().get(`/api/v1/servers/${id}/logs`).set(narrow.auth)).status).toBe(403);
      for (const tail of ['0', '501', 'ten', '1.5']) {
        const res = await t.http().get(`/api/v1/servers/${id}/logs?tail=${tail}`).set(owner.auth);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED'));
      }
      const stranger = await createUser(t);
      expect((await t.http().get(`/api/v1/servers/${id}/logs`).set(stranger.auth)).body).toEqual(errorEnvelope('SERVER_NOT_FOUND'));
    });
  });

  describe('behaviour', () => {
    it('shows the newest lines of a running server, none once it stopped', async () => {
      const owner = await createUser(t, { credits: 200 });
      const id = (await createServer(t, owner, { name: 'talkative', gameType: 'minecraft' })).body.data.id as string;
      await waitForStatus(t, owner, id, 'running');
      const all = await t.http().get(`/api/v1/servers/${id}/logs`).set(owner.auth);
      expect(all.status).toBe(200);
      expect(all.body.data).toMatchObject({ serverId: id, status: 'running' });
      expect(all.body.data.lines.length).toBeGreaterThanOrEqual(3);
      expect(all.body.data.lines.at(-1)).toMatch(/\[minecraft\] Listening on 127\.0\.0\.1:\d+ \(game\): ready for players$/);
      const last = await t.http().get(`/api/v1/servers/${id}/logs?tail=1`).set(owner.auth);
      expect(last.body.data.lines).toEqual([all.body.data.lines.at(-1)]);

      await t.http().post(`/api/v1/servers/${id}/stop`).set(owner.auth);
      expect((await t.http().get(`/api/v1/servers/${id}/logs`).set(owner.auth)).body.data).toEqual({ serverId: id, status: 'stopped', lines: [] });
    });

    it('answers /servers logs with the newest lines in a code block, ephemerally', async () => {
      const u = fakeUser('reader');
      await discordUserWithCredits(bot, u, 100);
      const created = await bot.fake
        .sendCommand({ user: u, name: 'servers', subcommand: 'create', options: { name: 'scroll', game: 'minecraft' } })
        .final();
      const serverId = /id ([0-9a-f-]{36})/.exec(created.embeds[0].footer?.text ?? '')![1];
      await pollUntil(async () => (await t.db.query('SELECT status FROM servers WHERE id = $1', [serverId]))[0]?.status === 'running', {
        what: 'running',
      });
      const reply = await bot.fake.sendCommand({ user: u, name: 'servers', subcommand: 'logs', options: { server: serverId } }).final();
      expect(reply).toMatchObject({ ephemeral: true });
      expect(reply.embeds[0].title).toBe('📜 scroll');
      expect(reply.embeds[0].description).toMatch(/^```\n[\s\S]*ready for players\n```$/);
    });
  });
});
