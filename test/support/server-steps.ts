import { TestApp } from './test-app';
import { TestUser } from './factories';

/** Polls until probe returns a value (not undefined/false) or the deadline passes. */
export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function balanceOf(t: TestApp, userId: string): Promise<number> {
  return Number((await t.db.query('SELECT credits FROM users WHERE id = $1', [userId]))[0].credits);
}

/** The invariant of the ledger: the balance equals the sum of the user's rows. */
export async function ledgerSum(t: TestApp, userId: string): Promise<number> {
  return Number((await t.db.query('SELECT coalesce(sum(amount), 0) AS s FROM credit_transactions WHERE user_id = $1', [userId]))[0].s);
}

export async function createServer(t: TestApp, u: TestUser, body: Record<string, unknown>) {
  return t.http().post('/api/v1/servers').set(u.auth).send(body);
}

/** Waits for GET /servers/:id to show the status and returns the server. */
export async function waitForStatus(t: TestApp, u: TestUser, id: string, status: string, ms = 5000): Promise<Record<string, unknown>> {
  return until(async () => {
    const res = await t.http().get(`/api/v1/servers/${id}`).set(u.auth);
    return res.body.data?.status === status ? res.body.data as Record<string, unknown> : undefined;
  }, `server ${id} to be ${status}`, ms);
}

export async function serverRow(t: TestApp, id: string): Promise<Record<string, unknown> | undefined> {
  return (await t.db.query('SELECT * FROM servers WHERE id = $1', [id]))[0];
}
