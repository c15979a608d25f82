import { DataSource } from 'typeorm';

/**
 * The money invariant: a user's GC balance equals the sum of their credit_transactions rows and
 * their WTG balance the sum of their wtg_transactions rows.
 */
export async function ledgerTotals(db: DataSource, userId: string): Promise<{ credits: number; creditRows: number; wtg: number; wtgRows: number }> {
  const [row]: Array<Record<string, string>> = await db.query(
    `SELECT u.credits::text AS credits, u.wtg_coins::text AS wtg,
       (SELECT COALESCE(sum(amount), 0)::text FROM credit_transactions WHERE user_id = u.id) AS credit_rows,
       (SELECT COALESCE(sum(amount), 0)::text FROM wtg_transactions WHERE user_id = u.id) AS wtg_rows
     FROM users u WHERE u.id = $1`, [userId]);
  return { credits: Number(row.credits), creditRows: Number(row.credit_rows), wtg: Number(row.wtg), wtgRows: Number(row.wtg_rows) };
}

export async function expectLedgerConsistent(db: DataSource, userId: string): Promise<void> {
  const t = await ledgerTotals(db, userId);
  expect({ credits: t.credits, wtg: t.wtg }).toEqual({ credits: t.creditRows, wtg: t.wtgRows });
}
