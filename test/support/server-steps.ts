import { type TestApp } from './test-app';
import { type TestUser } from './factories';
import { pollUntil } from './poll';

export async function createServer(t: TestApp, u: TestUser, body: Record<string, unknown>) {
  return t.http().post('/api/v1/servers').set(u.auth).send(body);
}

/** Waits for GET /servers/:id to show the status and returns the server. */
export async function waitForStatus(t: TestApp, u: TestUser, id: string, status: string, ms = 5000): Promise<Record<string, unknown>> {
  return pollUntil(
    async () => {
      const res = await t.http().get(`/api/v1/servers/${id}`).set(u.auth);
      return res.body.data?.status === status ? (res.body.data as Record<string, unknown>) : undefined;
    },
    { what: `server ${id} to be ${status}`, timeoutMs: ms },
  );
}

export async function serverRow(t: TestApp, id: string): Promise<Record<string, unknown> | undefined> {
  return (await t.db.query('SELECT * FROM servers WHERE id = $1', [id]))[0];
}
