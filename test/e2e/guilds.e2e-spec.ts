import { USER_SCOPES } from '../../src/auth/scopes';
import { GuildsService } from '../../src/guilds/guilds.service';
import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, snowflake, type TestUser } from '../support/factories';
import { balanceOf, expectLedgerConsistent } from '../support/ledger-checks';
import { serverRow } from '../support/server-steps';
import { pollUntil } from '../support/poll';

/** minecraft's hourly price in the built-in catalog. */
const HOUR_PRICE = 30;

describe('guilds: treasury, deposits and guild servers (REST)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '20' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** What a /guild command in that guild records: the bot saw the user there, with or without "Manage Server". */
  const seeIn = (guildId: string, u: TestUser, manager: boolean) =>
    t.app.get(GuildsService).see({ userId: u.userId, scopes: [], via: { kind: 'discord' } }, guildId, manager);
  const treasury = async (guildId: string) => {
    const [row]: Array<{ balance: string | null; rows: string; n: number }> = await t.db.query(
      `SELECT (SELECT balance::text FROM guild_accounts WHERE guild_id = $1) AS balance,
              (SELECT COALESCE(sum(amount), 0)::text FROM guild_transactions WHERE guild_id = $1) AS rows,
              (SELECT count(*)::int FROM guild_transactions WHERE guild_id = $1) AS n`,
      [guildId],
    );
    return { balance: Number(row.balance ?? 0), ledger: Number(row.rows), rows: row.n };
  };
  const deposit = (guildId: string, u: TestUser, amount: number, key?: string) => {
    const req = t.http().post(`/api/v1/guilds/${guildId}/deposits`).set(u.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send({ amount });
  };

  describe('membership', () => {
    it('does not confirm a guild to someone the bot has not seen there (404), and refuses a malformed id the same way', async () => {
      const u = await createUser(t, { credits: 100 });
      const guildId = snowflake();
      for (const id of [guildId, 'not-a-guild']) {
        const res = await t.http().get(`/api/v1/guilds/${id}/transactions`).set(u.auth);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorEnvelope('NOT_FOUND', /run a \/guild command/));
      }
      expect((await deposit(guildId, u, 10)).status).toBe(404);
      expect(await balanceOf(t, u.userId)).toBe(100);
      expect(await treasury(guildId)).toEqual({ balance: 0, ledger: 0, rows: 0 });
    });
  });

  describe('deposits', () => {
    it('20 parallel deposits from 4 members: every one that fits is paid once, balances equal ledger sums', async () => {
      const guildId = snowflake();
      const members = await Promise.all([0, 1, 2, 3].map(() => createUser(t, { credits: 100 })));
      await Promise.all(members.map((m) => seeIn(guildId, m, false)));
      // 5 deposits of 30 GC each per member: 3 fit in 100 GC, 2 are refused.
      const results = await Promise.all(members.flatMap((m) => [0, 1, 2, 3, 4].map(() => deposit(guildId, m, 30))));
      expect(results.filter((r) => r.status === 201 || r.status === 200)).toHaveLength(12);
      const refused = results.filter((r) => r.status === 422);
      expect(refused).toHaveLength(8);
      expect(refused[0].body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS'));
      expect(await treasury(guildId)).toEqual({ balance: 360, ledger: 360, rows: 12 });
      for (const m of members) {
        expect(await balanceOf(t, m.userId)).toBe(10);
        await expectLedgerConsistent(t, m.userId);
      }
      const page = await t.http().get(`/api/v1/guilds/${guildId}/transactions`).set(members[0].auth).query({ perPage: 50 });
      expect(page.status).toBe(200);
      expect(page.body.meta.total).toBe(12);
      expect(page.body.data[0]).toEqual(expect.objectContaining({ amount: 30, reason: 'deposit' }));
      expect(page.body.data.map((r: { reference: string }) => r.reference).sort()).toEqual(
        members.flatMap((m) => [m.userId, m.userId, m.userId]).sort(),
      );
    });

    it('refuses more than the balance, and a zero or fractional amount, changing nothing', async () => {
      const guildId = snowflake();
      const m = await createUser(t, { credits: 50 });
      await seeIn(guildId, m, false);
      const over = await deposit(guildId, m, 51);
      expect(over.status).toBe(422);
      expect(over.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS', /50 GC available/));
      for (const amount of [0, -5, 1.5]) {
        expect((await deposit(guildId, m, amount)).status).toBe(400);
      }
      expect(await balanceOf(t, m.userId)).toBe(50);
      expect(await treasury(guildId)).toEqual({ balance: 0, ledger: 0, rows: 0 });
      await expectLedgerConsistent(t, m.userId);
    });

    it('deposits once for a retried Idempotency-Key', async () => {
      const guildId = snowflake();
      const m = await createUser(t, { credits: 100 });
      await seeIn(guildId, m, false);
      const first = await deposit(guildId, m, 40, 'retry-me');
      const again = await deposit(guildId, m, 40, 'retry-me');
      expect(again.body.data).toEqual(first.body.data);
      expect(first.body.data).toEqual({ guildId, amount: 40, balance: 60, treasuryBalance: 40 });
      expect(await treasury(guildId)).toEqual({ balance: 40, ledger: 40, rows: 1 });
      await expectLedgerConsistent(t, m.userId);
    });
  });

  describe('guild servers', () => {
    const guildServers = (guildId: string, u: TestUser) => t.http().get(`/api/v1/guilds/${guildId}/servers`).set(u.auth);

    it('a member without "Manage Server", or a manager key without guilds:manage, cannot create or control them: 403, nothing changed', async () => {
      const guildId = snowflake();
      const member = await createUser(t, { credits: 500 });
      const manager = await createUser(t, { credits: 500, scopes: USER_SCOPES.filter((s) => s !== 'guilds:manage') });
      await seeIn(guildId, member, false);
      await seeIn(guildId, manager, true);
      await deposit(guildId, member, 200);
      const byMember = await t.http().post(`/api/v1/guilds/${guildId}/servers`).set(member.auth).send({ name: 'nope', gameType: 'minecraft' });
      expect(byMember.status).toBe(403);
      expect(byMember.body).toEqual(errorEnvelope('FORBIDDEN', /Manage Server/));
      const unscoped = await t.http().post(`/api/v1/guilds/${guildId}/servers`).set(manager.auth).send({ name: 'nope', gameType: 'minecraft' });
      expect(unscoped.status).toBe(403);
      expect(unscoped.body).toEqual(errorEnvelope('FORBIDDEN', /guilds:manage/));
      expect((await t.http().put(`/api/v1/guilds/${guildId}/channel`).set(member.auth).send({ channelId: snowflake() })).status).toBe(403);
      expect((await guildServers(guildId, member)).body.meta.total).toBe(0);
      expect(await treasury(guildId)).toEqual({ balance: 200, ledger: 200, rows: 1 });
    });

    it('a manager creates a server the treasury pays for; billing charges the treasury, stops it when dry and queues the channel notice', async () => {
      const guildId = snowflake();
      const manager = await createUser(t, { credits: 1000 });
      const member = await createUser(t, { credits: 100 });
      await seeIn(guildId, manager, true);
      await seeIn(guildId, member, false);
      await deposit(guildId, member, 2 * HOUR_PRICE + 10);
      const channelId = snowflake();
      expect((await t.http().put(`/api/v1/guilds/${guildId}/channel`).set(manager.auth).send({ channelId })).body.data).toEqual({
        guildId,
        channelId,
      });

      const created = await t.http().post(`/api/v1/guilds/${guildId}/servers`).set(manager.auth).send({ name: 'clan-smp', gameType: 'minecraft' });
      expect(created.status).toBe(201);
      const id = created.body.data.id as string;
      // The first hour came from the treasury, not from the manager.
      expect(await balanceOf(t, manager.userId)).toBe(1000);
      expect(await treasury(guildId)).toEqual({ balance: HOUR_PRICE + 10, ledger: HOUR_PRICE + 10, rows: 2 });
      await pollUntil(async () => ((await serverRow(t, id))?.status === 'running' ? true : undefined), { what: 'the guild server to run' });
      // It is the guild's, listed to its members, and not one of the manager's own servers.
      expect((await guildServers(guildId, member)).body.data).toEqual([expect.objectContaining({ id, name: 'clan-smp', status: 'running' })]);
      expect((await t.http().get(`/api/v1/servers/${id}`).set(manager.auth)).status).toBe(404);
      expect((await t.http().get('/api/v1/servers').set(manager.auth)).body.data).toEqual([]);
      expect((await t.http().post(`/api/v1/guilds/${guildId}/servers/${id}/stop`).set(member.auth)).status).toBe(403);

      // Hour two is paid by the treasury; hour three it cannot pay: stopped like a personal server, the channel told.
      const billing = t.app.get(ServerBillingService);
      await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 second' WHERE id = $1`, [id]);
      expect((await billing.runOnce()).charged).toBeGreaterThanOrEqual(1);
      expect(await treasury(guildId)).toEqual({ balance: 10, ledger: 10, rows: 3 });
      await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 second' WHERE id = $1`, [id]);
      expect((await billing.runOnce()).stopped).toBeGreaterThanOrEqual(1);
      const stopped = await guildServers(guildId, member);
      expect(stopped.body.data).toEqual([expect.objectContaining({ id, status: 'stopped', stopReason: 'insufficient_credits' })]);
      expect(await treasury(guildId)).toEqual({ balance: 10, ledger: 10, rows: 3 });
      expect(await balanceOf(t, manager.userId)).toBe(1000);
      await expectLedgerConsistent(t, manager.userId);
      const notices = await t.db.query('SELECT channel_id, content FROM guild_notices WHERE guild_id = $1', [guildId]);
      expect(notices).toEqual([{ channel_id: channelId, content: expect.stringContaining('could not pay the next hour of **clan-smp** (30 GC)') }]);
      const ledger = (await t.http().get(`/api/v1/guilds/${guildId}/transactions`).set(member.auth)).body.data as Array<{
        reason: string;
        reference: string;
      }>;
      expect(ledger.map((r) => r.reason)).toEqual(['server_hour', 'server_hour', 'deposit']);

      // A start the treasury cannot pay is refused, nothing changed; after a deposit it starts; then the manager deletes it.
      const broke = await t.http().post(`/api/v1/guilds/${guildId}/servers/${id}/start`).set(manager.auth);
      expect(broke.status).toBe(422);
      expect(broke.body).toEqual(errorEnvelope('INSUFFICIENT_CREDITS', /guild treasury/));
      await deposit(guildId, manager, 100);
      expect((await t.http().post(`/api/v1/guilds/${guildId}/servers/${id}/start`).set(manager.auth)).status).toBe(202);
      expect(await treasury(guildId)).toEqual({ balance: 80, ledger: 80, rows: 5 });
      expect(await balanceOf(t, manager.userId)).toBe(900);
      const gone = await t.http().delete(`/api/v1/guilds/${guildId}/servers/${id}`).set(manager.auth);
      expect(gone.body.data).toEqual({ id, deleted: true });
      await pollUntil(async () => ((await serverRow(t, id)) ? undefined : true), { what: 'the guild server to be deleted' });
      await expectLedgerConsistent(t, manager.userId);
      await expectLedgerConsistent(t, member.userId);
    });
  });
});
