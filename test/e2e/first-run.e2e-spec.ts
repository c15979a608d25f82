import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { pollUntil } from '../support/poll';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

interface Running {
  proc: ChildProcess;
  lines: string[];
  port: number;
}

async function start(dataDir: string): Promise<Running> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: npm test builds it in pretest (npm run build)`);
  }
  const port = await freePort();
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', AGIS_ROLES: 'api,scheduler' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  try {
    await pollUntil(() => lines.some((l) => l.startsWith('agis listening on')), { timeoutMs: 90_000, intervalMs: 50, what: 'the app to listen' });
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; output so far:\n${lines.join('\n')}`, { cause: err });
  }
  return { proc, lines, port };
}

async function stop(r: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => r.proc.once('exit', (code) => resolve(code)));
  r.proc.kill('SIGTERM');
  return exited;
}

describe('first run of the compiled service (npm start)', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'agis-first-run-')), 'data');
  chmodSync(join(dataDir, '..'), 0o755);
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('starts on embedded PostgreSQL, prints a working demo key, runs a server with ports, players and logs, logs JSON without secrets, and stops cleanly', async () => {
    // (generous deadlines: two cold boots with initdb on a busy 2-core machine)
    const first = await start(dataDir);
    try {
      const keyLine = first.lines.find((l) => l.startsWith('Demo API key'));
      expect(keyLine).toBeDefined();
      expect(first.lines).toEqual(expect.arrayContaining([`Swagger UI: http://localhost:${first.port}/api/docs`]));
      const key = /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(keyLine!)![0];
      const res = await fetch(`http://127.0.0.1:${first.port}/api/v1/users/me`, {
        headers: { Authorization: `Bearer ${key}`, 'X-Request-Id': 'first-run-1' },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { username: string } };
      expect(body.data.username).toBe('demo');

      await pollUntil(() => first.lines.some((l) => l.includes('first-run-1')), { timeoutMs: 30_000, what: 'the request log line' });
      const logLines = first.lines.filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      const requestLog = logLines.map((l) => JSON.parse(l)).find((l) => l.req?.id === 'first-run-1');
      expect(requestLog).toEqual(expect.objectContaining({ level: 30, req: expect.objectContaining({ method: 'GET', url: '/api/v1/users/me' }) }));
      const secret = key.split('_').slice(2).join('_');
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);

      // The demo user rents a server on the built-in simulator: it runs, with its ports, players and logs.
      const api = (path: string, init?: RequestInit) =>
        fetch(`http://127.0.0.1:${first.port}/api/v1${path}`, {
          ...init,
          headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data: Record<string, any> } })); // eslint-disable-line @typescript-eslint/no-explicit-any
      const created = await api('/servers', { method: 'POST', body: JSON.stringify({ name: 'first world', gameType: 'minecraft' }) });
      expect(created.status).toBe(201);
      const id = created.body.data.id as string;
      const running = await pollUntil(
        async () => (await api(`/servers/${id}`)).body.data,
        (s) => s.status === 'running',
        { timeoutMs: 60_000, what: 'the demo server to run' },
      );
      expect(running).toMatchObject({
        address: '127.0.0.1',
        ports: [{ name: 'game', port: expect.any(Number), protocol: 'TCP' }],
        players: { online: 0, max: 20 },
      });
      const logs = await api(`/servers/${id}/logs?tail=10`);
      expect(logs.status).toBe(200);
      expect(logs.body.data.lines).toEqual(expect.arrayContaining([expect.stringMatching(/ready for players/)]));
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'pg.lock'))).toBe(false); // the next start owns the database without a question

    // Data persists across restarts: no second demo key, the first key still works.
    const second = await start(dataDir);
    try {
      expect(second.lines.some((l) => l.startsWith('Demo API key'))).toBe(false);
      const users = await fetch(`http://127.0.0.1:${second.port}/readyz`);
      expect(users.status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 240_000);
});
