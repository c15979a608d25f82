import { type TestApp } from './test-app';

/**
 * The money invariant, checked one way everywhere: a user's GC balance equals the sum of their
 * credit_transactions rows, and their WTG balance the sum of their wtg_transactions rows.
 * Test factories grant through the ledger, so it holds for every user a test creates.
 */
type WithDb = Pick<TestApp, 'db'>;

/** The GC balance on the user row. */
export async function balanceOf(t: WithDb, userId: string): Promise<number> {
  return Number((await t.db.query('SELECT credits FROM users WHERE id = $1', [userId]))[0].credits);
}

/** The sum of the user's GC ledger rows. */
export async function ledgerSum(t: WithDb, userId: string): Promise<number> {
  return Number((await t.db.query('SELECT coalesce(sum(amount), 0) AS s FROM credit_transactions WHERE user_id = $1', [userId]))[0].s);
}

export async function ledgerTotals(t: WithDb, userId: string): Promise<{ credits: number; creditRows: number; wtg: number; wtgRows: number }> {
  const [row]: Array<Record<string, string>> = await t.db.query(
    `SELECT u.credits::text AS credits, u.wtg_coins::text AS wtg,
       (SELECT COALESCE(sum(amount), 0)::text FROM credit_transactions WHERE user_id = u.id) AS credit_rows,
       (SELECT COALESCE(sum(amount), 0)::text FROM wtg_transactions WHERE user_id = u.id) AS wtg_rows
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  return { credits: Number(row.credits), creditRows: Number(row.credit_rows), wtg: Number(row.wtg), wtgRows: Number(row.wtg_rows) };
}

/** Both balances equal their ledgers, whatever they are. */
export async function expectLedgerConsistent(t: WithDb, userId: string): Promise<void> {
  const totals = await ledgerTotals(t, userId);
  expect({ credits: totals.credits, wtg: totals.wtg }).toEqual({ credits: totals.creditRows, wtg: totals.wtgRows });
}

/** The GC balance is `credits` and the ledger says the same. */
export async function expectCredits(t: WithDb, userId: string, credits: number): Promise<void> {
  expect({ balance: await balanceOf(t, userId), ledger: await ledgerSum(t, userId) }).toEqual({ balance: credits, ledger: credits });
}
