import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The structural rules of docs/ARCHITECTURE.md that a file scan can check: SQL only in repositories
 * (and the database layer), each table touched only by its owning module, no module reaching into
 * another's repository, no TypeORM entities, and no cycles between folders.
 */
const SRC = __dirname;

/** Table → the folder that owns it (docs/ARCHITECTURE.md, "Table ownership"). */
export const TABLE_OWNERS: Record<string, string> = {
  users: 'users',
  user_stats: 'users',
  api_keys: 'api-keys',
  api_key_usage: 'api-keys',
  credit_transactions: 'credits',
  guild_accounts: 'credits',
  guild_transactions: 'credits',
  guild_notices: 'credits',
  guild_members: 'guilds',
  wtg_transactions: 'credits',
  servers: 'servers',
  game_catalog: 'servers',
  server_schedules: 'scheduling',
  schedule_executions: 'scheduling',
  ad_conversions: 'rewards',
  activity_log: 'activity',
  user_events: 'events',
  webhooks: 'webhooks',
  webhook_deliveries: 'webhooks',
  webhook_delivery_attempts: 'webhooks',
  idempotency_keys: 'common/idempotency',
  payment_checkouts: 'payments',
  payment_events: 'payments',
  payment_reversals: 'payments',
  payment_debts: 'payments',
};

interface SourceFile {
  path: string;
  text: string;
  unit: string | null;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The folder a file belongs to for these rules: `servers`, `common/http`; null for the composition root (src/*.ts). */
function unitOf(path: string): string | null {
  const parts = relative(SRC, path).split(sep);
  if (parts.length === 1) {
    return null;
  }
  return parts[0] === 'common' && parts.length > 2 ? `common/${parts[1]}` : parts[0];
}

const files: SourceFile[] = walk(SRC)
  .filter((p) => p.endsWith('.ts') && !p.endsWith('.spec.ts'))
  .map((path) => ({ path, text: readFileSync(path, 'utf8'), unit: unitOf(path) }));
const rel = (f: SourceFile) => relative(SRC, f.path);
const isRepository = (f: SourceFile) => f.path.endsWith('.repository.ts');
/** The database layer itself: connection, migrations, embedded server, the pool helper. */
const isDatabaseLayer = (f: SourceFile) => f.unit === 'database';
/** The readiness sidecar is a program of its own with no database (its `GameDig.query` is a game query). */
const hasNoDatabase = (f: SourceFile) => f.unit === 'sidecar';

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const DATA_ACCESS =
  /\.query\(|queryRows\(|getRepository\(|createQueryBuilder\(|@InjectRepository|InjectDataSource|InjectEntityManager|\bnew DataSource\(/;
const SQL = /\b(SELECT\s[\s\S]{0,400}?\sFROM|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM)\s/;

function importsOf(f: SourceFile): string[] {
  return [...f.text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => join(f.path, '..', m[1]));
}

describe('architecture', () => {
  it('SQL and TypeORM calls live only in *.repository.ts files (and the database layer)', () => {
    const offenders = files
      .filter((f) => !isRepository(f) && !isDatabaseLayer(f) && !hasNoDatabase(f))
      .filter((f) => DATA_ACCESS.test(stripComments(f.text)) || SQL.test(stripComments(f.text)))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('services reach the database through repositories, not a DataSource of their own', () => {
    const offenders = files.filter((f) => !isRepository(f) && !isDatabaseLayer(f) && /\bDataSource\b/.test(stripComments(f.text))).map(rel);
    expect(offenders).toEqual([]);
  });

  it('a repository touches only the tables its module owns', () => {
    const strays: string[] = [];
    for (const f of files.filter(isRepository)) {
      const sql = stripComments(f.text);
      for (const m of sql.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/g)) {
        const owner = TABLE_OWNERS[m[1]];
        if (owner !== undefined && owner !== f.unit) {
          strays.push(`${rel(f)} uses ${m[1]} (owned by ${owner})`);
        }
      }
    }
    expect([...new Set(strays)]).toEqual([]);
  });

  it('every table in the migrations has an owner', () => {
    const migrations = walk(join(SRC, '..', 'migrations'))
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    const tables = [...migrations.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)"?/g)].map((m) => m[1]);
    expect(tables.filter((t) => !(t in TABLE_OWNERS))).toEqual([]);
  });

  it("no module imports another module's repository", () => {
    const offenders = files.flatMap((f) =>
      importsOf(f)
        .filter((target) => target.endsWith('.repository') && unitOf(`${target}.ts`) !== f.unit)
        .map((target) => `${rel(f)} → ${relative(SRC, target)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('there are no TypeORM entities: repositories map rows to plain types', () => {
    expect(files.filter((f) => /@Entity\(|\.entity'/.test(f.text)).map(rel)).toEqual([]);
  });

  it('balances move only through the Ledger (credits/ledger.ts), the one caller of UsersService.moveBalanceIn', () => {
    const callers = files.filter((f) => f.unit !== 'users' && /\.moveBalanceIn\(/.test(f.text)).map(rel);
    expect(callers).toEqual(['credits/ledger.ts']);
  });

  it('background work runs on PeriodicJob or ClaimLoop, and only the composition root decides roles', () => {
    const timers = files
      .filter((f) => f.unit !== 'common/background' && f.unit !== 'sidecar')
      .filter((f) => /\bsetInterval\(|@Interval\(|SchedulerRegistry/.test(stripComments(f.text)))
      .map(rel);
    expect(timers).toEqual([]);
    const roleChecks = files
      .filter((f) => f.unit !== null && f.unit !== 'config' && !f.path.endsWith('discord.module.ts'))
      .filter((f) => /\.hasRole\(/.test(stripComments(f.text)))
      .map(rel);
    expect(roleChecks).toEqual([]);
  });

  it('folders do not import each other in a cycle', () => {
    // unit → unit → one file that makes the edge (to say where to look)
    const edges = new Map<string, Map<string, string>>();
    for (const f of files.filter((x) => x.unit !== null)) {
      for (const target of importsOf(f)) {
        const to = unitOf(`${target}.ts`);
        if (to && to !== f.unit) {
          const out = edges.get(f.unit!) ?? new Map<string, string>();
          out.set(to, out.get(to) ?? rel(f));
          edges.set(f.unit!, out);
        }
      }
    }
    // Tarjan's strongly connected components: every edge inside a component of two or more folders is on a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const component = new Map<string, number>();
    let counter = 0;
    let components = 0;
    const connect = (v: string) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      for (const w of edges.get(v)?.keys() ?? []) {
        if (!index.has(w)) {
          connect(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (stack.includes(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
      }
      if (low.get(v) === index.get(v)) {
        let w: string;
        do {
          w = stack.pop()!;
          component.set(w, components);
        } while (w !== v);
        components += 1;
      }
    };
    for (const v of edges.keys()) {
      if (!index.has(v)) {
        connect(v);
      }
    }
    const onCycles = [...edges].flatMap(([from, out]) =>
      [...out].filter(([to]) => component.get(to) === component.get(from)).map(([to, file]) => `${from} → ${to} (${file})`),
    );
    expect(onCycles.sort()).toEqual([]);
  });
});
