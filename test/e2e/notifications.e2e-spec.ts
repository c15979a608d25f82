import { ServerProvisioner } from '../../src/servers/lifecycle/server-provisioner.service';
import { ScheduleRunner } from '../../src/scheduling/schedule-runner.service';
import { type FakeDiscord } from '../fakes/fake-discord';
import { fakeUser, type FakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, discordUserWithCredits, startDiscordTestApp } from '../support/discord-test-bot';
import { type TestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };

describe('owners are told about their servers by Discord direct message', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  beforeAll(async () => {
    bot = await startDiscordTestApp({ AGIS_ROLES: 'api,bot,scheduler', LOCAL_AGONES_STEP_MS: '20', DIRECT_MESSAGES_TICK_MS: '50' });
    ({ fake, t } = bot);
  });
  afterAll(async () => {
    await bot.close();
  });

  const dms = (u: FakeUser) => (fake.directMessages.get(u.id) ?? []).map((m) => (m.embeds as Embed[])[0]);
  const userOf = async (u: FakeUser) => (await t.db.query('SELECT id::text AS id FROM users WHERE discord_id = $1', [u.id]))[0].id as string;
  const dmStatuses = async (userId: string) =>
    (await t.db.query(`SELECT event, dm_status FROM user_events WHERE user_id = $1 AND dm_status <> 'none' ORDER BY id`, [userId])).map(
      (r: { event: string; dm_status: string }) => `${r.event}:${r.dm_status}`,
    );
  async function createRunning(u: FakeUser, name: string): Promise<string> {
    const reply = await fake.sendCommand({ user: u, name: 'servers', subcommand: 'create', options: { name, game: 'minecraft' } }).final();
    expect(reply.embeds[0].title).toContain(name);
    const userId = await userOf(u);
    return pollUntil(
      async () => {
        const [row] = await t.db.query(`SELECT id::text AS id FROM servers WHERE owner_id = $1 AND name = $2 AND status = 'running'`, [userId, name]);
        return row?.id as string | undefined;
      },
      { what: `${name} to run` },
    );
  }

  it('sends "ready" with the address, ports and players; "stopped" when a schedule stops it; nothing for the owner\'s own stop', async () => {
    const u = fakeUser('builder');
    const userId = await discordUserWithCredits(bot, u, 500);

    const serverId = await createRunning(u, 'castle');
    const [ready] = await pollUntil(() => (dms(u).length >= 1 ? dms(u) : undefined), { what: 'the ready message' });
    expect(ready.title).toBe('✅ castle is ready');
    expect(ready.description).toMatch(/Connect to `127\.0\.0\.1:\d+`/);
    expect(ready.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Ports', value: expect.stringMatching(/^`game` \d+\/TCP$/) }),
        expect.objectContaining({ name: 'Players', value: '0 / 20' }),
      ]),
    );

    await t.app.get(ScheduleRunner).perform({ serverId, ownerId: userId, action: 'stop' });
    await pollUntil(() => dms(u).length >= 2, { what: 'the stopped message' });
    expect(dms(u)[1]).toMatchObject({ title: '⏹️ castle was stopped', description: 'It stopped because one of your schedules stopped it.' });

    await fake.sendCommand({ user: u, name: 'servers', subcommand: 'start', options: { server: serverId } }).final();
    await pollUntil(() => dms(u).length >= 3, { what: 'ready again' });
    await fake.sendCommand({ user: u, name: 'servers', subcommand: 'stop', options: { server: serverId } }).final();
    await pollUntil(async () => ((await dmStatuses(userId)).length === 3 ? true : undefined), { what: 'the events to settle' });
    expect(await dmStatuses(userId)).toEqual(['server.started:sent', 'server.stopped:sent', 'server.started:sent']);
    expect(dms(u)).toHaveLength(3);
  });

  it('sends "failed" with the reason, and nothing more after /notifications turns them off', async () => {
    const u = fakeUser('tinkerer');
    const userId = await discordUserWithCredits(bot, u, 500);
    const serverId = await createRunning(u, 'redstone');
    await pollUntil(() => dms(u).length >= 1, { what: 'the ready message' });

    const [row] = await t.db.query('SELECT start_seq FROM servers WHERE id = $1', [serverId]);
    await t.app
      .get(ServerProvisioner)
      .endRun(serverId, { startSeq: row.start_seq }, { cause: 'failed', message: 'The game cannot run: CrashLoopBackOff' }, false);
    await pollUntil(() => dms(u).length >= 2, { what: 'the failed message' });
    expect(dms(u)[1]).toMatchObject({ title: '❌ redstone failed', description: 'The game cannot run: CrashLoopBackOff' });

    const off = await fake.sendCommand({ user: u, name: 'notifications', options: { direct_messages: false } }).reply();
    expect(off).toMatchObject({ ephemeral: true });
    expect(off.embeds[0].description).toMatch(/No more direct messages/);
    await fake.sendCommand({ user: u, name: 'servers', subcommand: 'start', options: { server: serverId } }).final();
    await pollUntil(async () => ((await dmStatuses(userId)).at(-1) === 'server.started:skipped' ? true : undefined), {
      what: 'the skipped ready message',
    });
    expect(dms(u)).toHaveLength(2);
  });

  it('marks a message Discord refuses (the user closed DMs) as failed and keeps serving others', async () => {
    const closed = fakeUser('private');
    fake.closedDms.add(closed.id);
    const userId = await discordUserWithCredits(bot, closed, 500);
    await createRunning(closed, 'hermit');
    await pollUntil(async () => ((await dmStatuses(userId)).includes('server.started:failed') ? true : undefined), { what: 'the refused message' });
    expect(fake.directMessages.get(closed.id)).toBeUndefined();
    expect(fake.requests.filter((r) => r.path.startsWith('/channels/') && r.status === 403)).not.toHaveLength(0);
  });
});
