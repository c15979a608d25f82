import { type DomainError } from '../../src/common/errors/domain-error';
import { GuildTreasuryService } from '../../src/credits/guild-treasury.service';
import { Transactions } from '../../src/database/transactions';

import { createUser, snowflake } from '../support/factories';
import { expectLedgerConsistent } from '../support/ledger-checks';
import { createTestApp, type TestApp } from '../support/test-app';

describe('guild treasury', () => {
  let t: TestApp;
  let treasury: GuildTreasuryService;
  beforeAll(async () => {
    t = await createTestApp();
    treasury = t.app.get(GuildTreasuryService);
  });
  afterAll(async () => {
    await t.close();
  });

  const treasuryTotals = async (guildId: string) => {
    const [row]: Array<{ balance: string | null; rows: string }> = await t.db.query(
      `SELECT (SELECT balance::text FROM guild_accounts WHERE guild_id = $1) AS balance,
              (SELECT COALESCE(sum(amount), 0)::text FROM guild_transactions WHERE guild_id = $1) AS rows`,
      [guildId],
    );
    return { balance: Number(row.balance ?? 0), rows: Number(row.rows) };
  };

  it('20 parallel deposits from members who can only pay some of them: balances == ledger sums, nothing lost or doubled', async () => {
    const guildId = snowflake();
    const members = await Promise.all([0, 1, 2, 3].map(() => createUser(t, { credits: 100 })));
    // 5 deposits of 30 each per member: 3 fit in 100 GC, 2 are refused.
    const outcomes = await Promise.allSettled(members.flatMap((m) => [0, 1, 2, 3, 4].map((i) => treasury.deposit(m.userId, guildId, 30, `k${i}`))));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o.reason as DomainError).code);
    expect(refused).toEqual(Array(8).fill('INSUFFICIENT_CREDITS'));
    expect(await treasuryTotals(guildId)).toEqual({ balance: 12 * 30, rows: 12 * 30 });
    for (const m of members) {
      await expectLedgerConsistent(t, m.userId);
    }
  });

  it('replays a deposit with the same key instead of moving the money twice', async () => {
    const guildId = snowflake();
    const m = await createUser(t, { credits: 100 });
    const [a, b] = await Promise.all([treasury.deposit(m.userId, guildId, 40, 'same'), treasury.deposit(m.userId, guildId, 40, 'same')]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(await treasuryTotals(guildId)).toEqual({ balance: 40, rows: 40 });
    await expectLedgerConsistent(t, m.userId);
  });

  it('never lets the treasury go below zero', async () => {
    const guildId = snowflake();
    const m = await createUser(t, { credits: 50 });
    await treasury.deposit(m.userId, guildId, 50, 'one');
    const tx = t.app.get(Transactions);
    const spends = await Promise.allSettled([0, 1, 2].map(() => tx.run((q) => treasury.spendIn(q, guildId, 20, 'server_hour'))));
    expect(spends.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
    expect(await treasuryTotals(guildId)).toEqual({ balance: 10, rows: 10 });
    expect(((await tx.run((q) => treasury.spendIn(q, snowflake(), 1, 'server_hour')).catch((e: unknown) => e)) as DomainError).code).toBe(
      'INSUFFICIENT_CREDITS',
    );
  });
});
