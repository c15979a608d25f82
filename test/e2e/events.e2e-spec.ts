import { EventsJanitor } from '../../src/events/events-janitor.service';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { createServer, waitForStatus } from '../support/server-steps';
import { createTestApp, type TestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

interface SseEvent {
  id?: string;
  event?: string;
  data?: { event: string; at: string; data: { server: { id: string; status: string } } };
}

/**
 * A Server-Sent Events client as a browser's EventSource reads the stream (WHATWG HTML "Server-sent events":
 * fields up to a blank line make one event; lines starting with ':' are comments).
 */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType = '';
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async open(): Promise<void> {
    const res = await fetch(this.url, { headers: { Accept: 'text/event-stream', ...this.headers }, signal: this.abort.signal });
    this.status = res.status;
    this.contentType = res.headers.get('content-type') ?? '';
    if (!res.ok || !res.body) {
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            return;
          }
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  private parse(block: string): void {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
      } else if (line.startsWith('id: ')) {
        event.id = line.slice(4);
      } else if (line.startsWith('event: ')) {
        event.event = line.slice(7);
      } else if (line.startsWith('data: ')) {
        event.data = JSON.parse(line.slice(6)) as SseEvent['data'];
      }
    }
    if (event.event) {
      this.events.push(event);
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

describe('GET /api/v1/events (Server-Sent Events of your servers)', () => {
  let t: TestApp;
  let base: string;
  const clients: SseClient[] = [];
  beforeAll(async () => {
    t = await createTestApp(
      { AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '10', EVENTS_POLL_MS: '50', EVENTS_HEARTBEAT_MS: '200' },
      { listen: true },
    );
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}/api/v1/events`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      await c.close();
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const stream = async (u: TestUser, opts: { lastEventId?: string; query?: string } = {}) => {
    const client = new SseClient(`${base}${opts.query ?? ''}`, { ...u.auth, ...(opts.lastEventId ? { 'Last-Event-ID': opts.lastEventId } : {}) });
    clients.push(client);
    await client.open();
    return client;
  };
  const names = (c: SseClient, serverId: string) => c.events.filter((e) => e.data?.data.server.id === serverId).map((e) => e.event);

  describe('auth and validation', () => {
    it('refuses a request without a key, and a key without servers:read', async () => {
      expect((await t.http().get('/api/v1/events')).status).toBe(401);
      const u = await createUser(t, { scopes: ['profile:read'] });
      const res = await t.http().get('/api/v1/events').set(u.auth);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorEnvelope('FORBIDDEN'));
    });

    it('answers 400 to a Last-Event-ID it never sent, and to a bad timeoutSeconds', async () => {
      const u = await createUser(t);
      const res = await t.http().get('/api/v1/events').set(u.auth).set('Last-Event-ID', 'yesterday');
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorEnvelope('VALIDATION_FAILED', /Last-Event-ID/));
      expect((await t.http().get('/api/v1/events?timeoutSeconds=0').set(u.auth)).status).toBe(400);
    });
  });

  describe('behaviour', () => {
    it("streams a server's lifecycle in order, with heartbeats, and only the caller's own servers", async () => {
      const u = await createUser(t, { credits: 1000 });
      const other = await createUser(t, { credits: 1000 });
      const client = await stream(u);
      expect(client.status).toBe(200);
      expect(client.contentType).toMatch(/^text\/event-stream/);

      const id = (await createServer(t, u, { name: 'streamed', gameType: 'minecraft' })).body.data.id as string;
      const foreign = (await createServer(t, other, { name: 'not-yours', gameType: 'minecraft' })).body.data.id as string;
      await waitForStatus(t, u, id, 'running');
      await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
      await pollUntil(() => names(client, id).length >= 3, { what: 'three events' });
      expect(names(client, id)).toEqual(['server.created', 'server.started', 'server.stopped']);
      const started = client.events.find((e) => e.event === 'server.started' && e.data?.data.server.id === id)!;
      expect(started.data?.data.server).toMatchObject({
        status: 'running',
        ports: [{ name: 'game', protocol: 'TCP' }],
        players: { online: 0, max: 20 },
      });
      expect(names(client, foreign)).toEqual([]);
      await pollUntil(() => client.comments.length > 0, { what: 'a heartbeat' });
    });

    it('resumes after Last-Event-ID with every event missed while disconnected, none twice', async () => {
      const u = await createUser(t, { credits: 1000 });
      const first = await stream(u);
      const id = (await createServer(t, u, { name: 'resumable', gameType: 'minecraft' })).body.data.id as string;
      await waitForStatus(t, u, id, 'running');
      await pollUntil(() => names(first, id).length >= 2, { what: 'created and started' });
      const lastSeen = first.events.at(-1)!.id!;
      await first.close();

      // While nobody listens: stop, start, restart.
      await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
      await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
      await waitForStatus(t, u, id, 'running');
      await t.http().post(`/api/v1/servers/${id}/restart`).set(u.auth);
      await waitForStatus(t, u, id, 'running');

      const second = await stream(u, { lastEventId: lastSeen });
      await pollUntil(() => names(second, id).length >= 3, { what: 'the missed events' });
      expect(names(second, id)).toEqual(['server.stopped', 'server.started', 'server.started']);
      const ids = [...first.events, ...second.events].map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);

      // The query parameter works for clients that cannot set the header, and a stream ends at its timeout.
      const third = await stream(u, { query: `?lastEventId=${lastSeen}&timeoutSeconds=1` });
      await pollUntil(() => names(third, id).length >= 3, { what: 'the same events again from the same cursor' });
      expect(names(third, id)).toEqual(['server.stopped', 'server.started', 'server.started']);
    });

    it('purges events older than EVENTS_RETENTION_DAYS and keeps the rest', async () => {
      const u = await createUser(t, { credits: 1000 });
      const id = (await createServer(t, u, { name: 'ephemeral', gameType: 'minecraft', start: false })).body.data.id as string;
      const [{ count: before }] = await t.db.query('SELECT count(*)::int AS count FROM user_events WHERE user_id = $1', [u.userId]);
      expect(before).toBe(1);
      await t.db.query(`UPDATE user_events SET created_at = now() - interval '8 days' WHERE user_id = $1`, [u.userId]);
      await t.http().delete(`/api/v1/servers/${id}`).set(u.auth);
      expect(await t.app.get(EventsJanitor).purge()).toBeGreaterThanOrEqual(1);
      const rows = await t.db.query('SELECT event FROM user_events WHERE user_id = $1', [u.userId]);
      expect(rows).toEqual([{ event: 'server.deleted' }]);
    });
  });
});
