import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PORT_PROTOCOLS, type GameServerPortSpec } from '../../agones/agones.client';

/** How the readiness sidecar tells the game answers, and how long the game may take to boot before it is an error. */
export interface GameReadiness {
  /** `tcp`, `udp`, or `protocol-<name>` of a gamedig protocol (e.g. protocol-minecraftvanilla, protocol-valve). */
  check: string;
  /** The container port asked (the query port where a game has one). */
  port: number;
  /** Seconds a start may take to become Ready; unset uses SERVER_BOOT_TIMEOUT_SECONDS. */
  bootSeconds?: number;
}

/** One rentable game type: what it costs per hour and what Agones runs for it. */
export interface GameType {
  key: string;
  name: string;
  hourlyCost: number;
  image: string;
  ports: GameServerPortSpec[];
  resources: { cpu: string; memory: string };
  /** Environment of the game container, e.g. EULA=TRUE, which itzg/minecraft-server needs to start. */
  env: Record<string, string>;
  args?: string[];
  /** Where the image keeps its world: the server's volume is mounted there. */
  dataPath: string;
  /** Size of the server's world volume. */
  storage: string;
  readiness: GameReadiness;
}

const port =
  (protocol: GameServerPortSpec['protocol']) =>
  (name: string, containerPort: number): GameServerPortSpec => ({ name, containerPort, protocol });
const tcp = port('TCP');
const udp = port('UDP');
const both = port('TCPUDP');
interface Runtime {
  env?: Record<string, string>;
  dataPath: string;
  storage: string;
  readiness: GameReadiness;
}
const game = (
  key: string,
  name: string,
  hourlyCost: number,
  image: string,
  ports: GameServerPortSpec[],
  cpu: string,
  memory: string,
  run: Runtime,
): GameType => ({
  key,
  name,
  hourlyCost,
  image,
  ports,
  resources: { cpu, memory },
  env: run.env ?? {},
  dataPath: run.dataPath,
  storage: run.storage,
  readiness: run.readiness,
});

/**
 * The built-in catalog; hourly costs in GameCredits are the product's price list. Data paths, environment and
 * readiness checks follow each image's own documentation; games without a query protocol gamedig can ask
 * directly on the pod are checked by TCP connect or by their UDP port being bound.
 */
export const BUILT_IN_GAMES: readonly GameType[] = [
  game('minecraft', 'Minecraft (Java)', 30, 'itzg/minecraft-server:latest', [tcp('game', 25565)], '1000m', '2Gi', {
    env: { EULA: 'TRUE' },
    dataPath: '/data',
    storage: '10Gi',
    readiness: { check: 'protocol-minecraftvanilla', port: 25565 },
  }),
  game('terraria', 'Terraria', 35, 'ryshe/terraria:latest', [tcp('game', 7777)], '500m', '1Gi', {
    dataPath: '/root/.local/share/Terraria/Worlds',
    storage: '2Gi',
    readiness: { check: 'tcp', port: 7777 },
  }),
  game('dst', "Don't Starve Together", 60, 'jamesits/dst-server:latest', [udp('game', 10999)], '1000m', '2Gi', {
    dataPath: '/data',
    storage: '5Gi',
    readiness: { check: 'udp', port: 10999 },
  }),
  game('cs2', 'Counter-Strike 2', 120, 'joedwards32/cs2:latest', [both('game', 27015)], '2000m', '4Gi', {
    dataPath: '/home/steam/cs2-dedicated',
    storage: '60Gi',
    readiness: { check: 'protocol-valve', port: 27015, bootSeconds: 1800 },
  }),
  game('gmod', "Garry's Mod", 95, 'ceifa/garrysmod:latest', [udp('game', 27015)], '1500m', '3Gi', {
    dataPath: '/home/gmod/server/garrysmod/data',
    storage: '10Gi',
    readiness: { check: 'protocol-valve', port: 27015 },
  }),
  game('valheim', 'Valheim', 120, 'lloesche/valheim-server:latest', [udp('game', 2456), udp('query', 2457)], '2000m', '4Gi', {
    env: { SERVER_NAME: 'agis', WORLD_NAME: 'Dedicated' },
    dataPath: '/config',
    storage: '5Gi',
    readiness: { check: 'protocol-valve', port: 2457, bootSeconds: 900 },
  }),
  game('rust', 'Rust', 220, 'didstopia/rust-server:latest', [udp('game', 28015), tcp('rcon', 28016)], '4000m', '10Gi', {
    dataPath: '/steamcmd/rust',
    storage: '30Gi',
    readiness: { check: 'protocol-valve', port: 28015, bootSeconds: 1800 },
  }),
  game('ark', 'ARK: Survival Evolved', 240, 'hermsi/ark-server:latest', [udp('game', 7777), udp('query', 27015)], '4000m', '12Gi', {
    dataPath: '/app',
    storage: '60Gi',
    readiness: { check: 'protocol-valve', port: 27015, bootSeconds: 1800 },
  }),
  game('palworld', 'Palworld', 180, 'thijsvanloef/palworld-server-docker:latest', [udp('game', 8211)], '4000m', '8Gi', {
    dataPath: '/palworld',
    storage: '20Gi',
    readiness: { check: 'udp', port: 8211, bootSeconds: 900 },
  }),
  game('7d2d', '7 Days to Die', 130, 'vinanrra/7dtd-server:latest', [both('game', 26900)], '2000m', '6Gi', {
    dataPath: '/home/sdtdserver/.local/share/7DaysToDie',
    storage: '30Gi',
    readiness: { check: 'tcp', port: 26900, bootSeconds: 1200 },
  }),
  game('pz', 'Project Zomboid', 135, 'danixu86/project-zomboid-dedicated-server:latest', [udp('game', 16261), udp('direct', 16262)], '2000m', '6Gi', {
    dataPath: '/home/steam/Zomboid',
    storage: '10Gi',
    readiness: { check: 'udp', port: 16261, bootSeconds: 900 },
  }),
  game('factorio', 'Factorio', 100, 'factoriotools/factorio:stable', [udp('game', 34197)], '1000m', '2Gi', {
    dataPath: '/factorio',
    storage: '5Gi',
    readiness: { check: 'udp', port: 34197 },
  }),
  game('satisfactory', 'Satisfactory', 240, 'wolveix/satisfactory-server:latest', [both('game', 7777)], '4000m', '12Gi', {
    dataPath: '/config',
    storage: '30Gi',
    readiness: { check: 'tcp', port: 7777, bootSeconds: 1200 },
  }),
  game('starbound', 'Starbound', 40, 'morgyn/starbound:latest', [tcp('game', 21025)], '1000m', '2Gi', {
    dataPath: '/starbound/storage',
    storage: '5Gi',
    readiness: { check: 'tcp', port: 21025 },
  }),
];

/** Longest game name (the file's rule, also the DTO's and the table's). */
export const GAME_NAME_MAX = 64;
export const GAME_KEY = /^[a-z0-9][a-z0-9-]{0,31}$/;
const KEY = GAME_KEY;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const STORAGE = /^[1-9]\d{0,5}(Mi|Gi|Ti)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ABSOLUTE_PATH = /^\/[^\0]{0,254}$/;
/**
 * A start is charged its first hour up front and refunded if it is not Ready by its deadline, so the boot allowance
 * ends within that hour: an hour is only ever kept for a server that became Ready in it.
 */
export const BOOT_SECONDS = { min: 30, max: 3600 };
const FIELDS = ['key', 'name', 'hourlyCost', 'image', 'ports', 'resources', 'env', 'args', 'dataPath', 'storage', 'readiness'];
const PORT_FIELDS = ['name', 'containerPort', 'protocol'];
const RESOURCE_FIELDS = ['cpu', 'memory'];
const READINESS_FIELDS = ['check', 'port', 'bootSeconds'];

/** Reports each key of `value` outside `known`, as `<at>: unknown field "<key>"`. */
function refuseUnknown(value: Raw, known: readonly string[], at: string, field: string, p: Report): void {
  for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
    p(field, `${at}: unknown field "${key.slice(0, 40)}"`);
  }
}

// gamedig's exports map hides package.json; its CommonJS entry is dist/index.cjs, beside protocols/.
const GAMEDIG_PROTOCOLS = join(dirname(require.resolve('gamedig')), '..', 'protocols');

/**
 * Whether the readiness sidecar can run the check: tcp, udp, or a protocol gamedig ships (one file per protocol
 * in its protocols/ folder). Read from the folder so the API process never loads gamedig itself.
 */
export function isReadinessCheck(check: unknown): boolean {
  if (check === 'tcp' || check === 'udp') {
    return true;
  }
  const m = typeof check === 'string' ? /^protocol-([a-z0-9]{1,40})$/.exec(check) : null;
  return m !== null && existsSync(join(GAMEDIG_PROTOCOLS, `${m[1]}.js`));
}

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid game catalog:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reports each problem with the top-level field it is about (the API's field details; the file's messages carry the field too). */
type Report = (field: string, msg: string) => void;

function checkGame(g: Raw, p: Report): void {
  for (const field of Object.keys(g).filter((f) => !FIELDS.includes(f))) {
    p(field, `unknown field "${field}"`);
  }
  if (typeof g.name !== 'string' || !g.name.trim() || g.name.length > GAME_NAME_MAX) {
    p('name', 'name must be a non-empty string of at most 64 characters');
  }
  if (!Number.isSafeInteger(g.hourlyCost) || (g.hourlyCost as number) <= 0) {
    p('hourlyCost', 'hourlyCost must be a positive whole number of GameCredits');
  }
  if (typeof g.image !== 'string' || !/^\S{1,255}$/.test(g.image)) {
    p('image', 'image must be a container image reference');
  }
  const ports = g.ports;
  if (!Array.isArray(ports) || ports.length === 0 || ports.length > 8) {
    p('ports', 'ports must list 1 to 8 ports');
  } else {
    ports.forEach((port: unknown, i) => {
      const q = isObject(port) ? port : {};
      refuseUnknown(q, PORT_FIELDS, `ports[${i}]`, 'ports', p);
      if (typeof q.name !== 'string' || !PORT_NAME.test(q.name)) {
        p('ports', `ports[${i}].name must be a short lowercase name (letters, digits, dashes)`);
      }
      if (!Number.isInteger(q.containerPort) || (q.containerPort as number) < 1 || (q.containerPort as number) > 65535) {
        p('ports', `ports[${i}].containerPort must be 1-65535`);
      }
      if (!PORT_PROTOCOLS.includes(q.protocol as GameServerPortSpec['protocol'])) {
        p('ports', `ports[${i}].protocol must be TCP, UDP or TCPUDP (both on one port)`);
      }
    });
    const names = ports.map((q: Raw) => q?.name);
    if (new Set(names).size !== names.length) {
      p('ports', 'port names must be unique');
    }
  }
  const r = isObject(g.resources) ? g.resources : {};
  refuseUnknown(r, RESOURCE_FIELDS, 'resources', 'resources', p);
  if (typeof r.cpu !== 'string' || !CPU.test(r.cpu)) {
    p('resources', 'resources.cpu must be a Kubernetes CPU quantity such as "500m" or "2"');
  }
  if (typeof r.memory !== 'string' || !MEMORY.test(r.memory)) {
    p('resources', 'resources.memory must be a Kubernetes memory quantity such as "2Gi"');
  }
  checkRuntime(g, p);
}

/** The parts that make a game runnable: environment, arguments, data path, storage and readiness. */
function checkRuntime(g: Raw, p: Report): void {
  if (g.env !== undefined) {
    if (!isObject(g.env)) {
      p('env', 'env must be an object of NAME: "value" pairs');
    } else {
      for (const [name, value] of Object.entries(g.env)) {
        if (!ENV_NAME.test(name) || typeof value !== 'string' || value.length > 4096) {
          p('env', `env.${name.slice(0, 40)} must be a variable name (letters, digits, _) with a string value of at most 4096 characters`);
        }
      }
    }
  }
  if (g.args !== undefined && (!Array.isArray(g.args) || g.args.length > 64 || !g.args.every((a) => typeof a === 'string' && a.length <= 1024))) {
    p('args', 'args must be a list of at most 64 strings');
  }
  if (typeof g.dataPath !== 'string' || !ABSOLUTE_PATH.test(g.dataPath)) {
    p('dataPath', 'dataPath must be an absolute path inside the container, such as "/data"');
  }
  if (typeof g.storage !== 'string' || !STORAGE.test(g.storage)) {
    p('storage', 'storage must be a volume size such as "10Gi" (Mi, Gi or Ti)');
  }
  const readiness = isObject(g.readiness) ? g.readiness : undefined;
  if (!readiness) {
    p('readiness', 'readiness must be {check, port, bootSeconds?}');
    return;
  }
  refuseUnknown(readiness, READINESS_FIELDS, 'readiness', 'readiness', p);
  if (!isReadinessCheck(readiness.check)) {
    p('readiness', 'readiness.check must be tcp, udp or protocol-<name> of a gamedig protocol (e.g. protocol-minecraftvanilla, protocol-valve)');
  }
  const containerPorts = Array.isArray(g.ports) ? g.ports.map((q: Raw) => q?.containerPort) : [];
  if (!Number.isInteger(readiness.port) || !containerPorts.includes(readiness.port)) {
    p('readiness', "readiness.port must be one of the game's containerPorts");
  }
  if (
    readiness.bootSeconds !== undefined &&
    (!Number.isInteger(readiness.bootSeconds) ||
      (readiness.bootSeconds as number) < BOOT_SECONDS.min ||
      (readiness.bootSeconds as number) > BOOT_SECONDS.max)
  ) {
    p('readiness', `readiness.bootSeconds must be a whole number of seconds from ${BOOT_SECONDS.min} to ${BOOT_SECONDS.max}`);
  }
}

/**
 * Applies an override document to the built-in catalog. The document is a list of games (or
 * `{"games": [...]}`); an entry with a built-in key may change only some fields, a new key needs
 * every field. Throws CatalogError listing every problem.
 */
export function applyCatalogOverride(base: readonly GameType[], doc: unknown): GameType[] {
  const entries = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.games) ? doc.games : undefined;
  if (!entries) {
    throw new CatalogError(['expected a JSON array of games or {"games": [...]}']);
  }
  const byKey = new Map(base.map((g) => [g.key, g]));
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.key !== 'string' || !KEY.test(entry.key)) {
      problems.push(`games[${i}]: key must be lowercase letters, digits and dashes (at most 32)`);
      return;
    }
    if (seen.has(entry.key)) {
      problems.push(`games[${i}]: duplicate key "${entry.key}"`);
      return;
    }
    seen.add(entry.key);
    const merged: Raw = { env: {}, ...(byKey.get(entry.key) ?? {}), ...entry };
    const where = `games[${i}] (${entry.key})`;
    checkGame(merged, (_field, msg) => problems.push(`${where}: ${msg}`));
    byKey.set(entry.key, merged as unknown as GameType);
  });
  if (problems.length) {
    throw new CatalogError(problems);
  }
  return [...byKey.values()];
}

export function findGame(catalog: readonly GameType[], key: string): GameType | undefined {
  return catalog.find((g) => g.key === key);
}

/** One problem of a catalog entry sent through the API, with the top-level field it is about. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Checks one complete entry (PUT /api/v1/admin/games/:key) by exactly the rules GAME_CATALOG_FILE follows for a
 * new game: every field required, the same messages. Returns the problems (none: the entry is valid).
 */
export function checkGameEntry(key: string, entry: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!KEY.test(key)) {
    problems.push({ field: 'key', message: 'key must be lowercase letters, digits and dashes (at most 32)' });
  }
  checkGame({ env: {}, ...entry, key }, (field, message) => problems.push({ field, message }));
  return problems;
}

/** A valid entry as stored: only the catalog's own fields, so nothing unknown reaches a GameServer manifest. */
export function normalizeGame(g: GameType): GameType {
  return {
    key: g.key,
    name: g.name,
    hourlyCost: g.hourlyCost,
    image: g.image,
    ports: g.ports.map((q) => ({ name: q.name, containerPort: q.containerPort, protocol: q.protocol })),
    resources: { cpu: g.resources.cpu, memory: g.resources.memory },
    env: { ...g.env },
    ...(g.args ? { args: [...g.args] } : {}),
    dataPath: g.dataPath,
    storage: g.storage,
    readiness: {
      check: g.readiness.check,
      port: g.readiness.port,
      ...(g.readiness.bootSeconds !== undefined ? { bootSeconds: g.readiness.bootSeconds } : {}),
    },
  };
}
