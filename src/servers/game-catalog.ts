import type { GameServerPortSpec } from '../agones/agones.client';

/** One rentable game type: what it costs per hour and what Agones runs for it. */
export interface GameType {
  key: string;
  name: string;
  hourlyCost: number;
  image: string;
  ports: GameServerPortSpec[];
  resources: { cpu: string; memory: string };
}

const tcp = (name: string, containerPort: number): GameServerPortSpec => ({ name, containerPort, protocol: 'TCP' });
const udp = (name: string, containerPort: number): GameServerPortSpec => ({ name, containerPort, protocol: 'UDP' });
const game = (key: string, name: string, hourlyCost: number, image: string, ports: GameServerPortSpec[], cpu: string, memory: string): GameType =>
  ({ key, name, hourlyCost, image, ports, resources: { cpu, memory } });

/** The built-in catalog; hourly costs in GameCredits are the product's price list. */
export const BUILT_IN_GAMES: readonly GameType[] = [
  game('minecraft', 'Minecraft (Java)', 30, 'itzg/minecraft-server:latest', [tcp('game', 25565)], '1000m', '2Gi'),
  game('terraria', 'Terraria', 35, 'ryshe/terraria:latest', [tcp('game', 7777)], '500m', '1Gi'),
  game('dst', "Don't Starve Together", 60, 'jamesits/dst-server:latest', [udp('game', 10999)], '1000m', '2Gi'),
  game('cs2', 'Counter-Strike 2', 120, 'joedwards32/cs2:latest', [udp('game', 27015), tcp('rcon', 27015)], '2000m', '4Gi'),
  game('gmod', "Garry's Mod", 95, 'ceifa/garrysmod:latest', [udp('game', 27015)], '1500m', '3Gi'),
  game('valheim', 'Valheim', 120, 'lloesche/valheim-server:latest', [udp('game', 2456), udp('query', 2457)], '2000m', '4Gi'),
  game('rust', 'Rust', 220, 'didstopia/rust-server:latest', [udp('game', 28015), tcp('rcon', 28016)], '4000m', '10Gi'),
  game('ark', 'ARK: Survival Evolved', 240, 'hermsi/ark-server:latest', [udp('game', 7777), udp('query', 27015)], '4000m', '12Gi'),
  game('palworld', 'Palworld', 180, 'thijsvanloef/palworld-server-docker:latest', [udp('game', 8211)], '4000m', '8Gi'),
  game('7d2d', '7 Days to Die', 130, 'vinanrra/7dtd-server:latest', [tcp('game', 26900), udp('game-udp', 26900)], '2000m', '6Gi'),
  game('pz', 'Project Zomboid', 135, 'danixu86/project-zomboid-dedicated-server:latest', [udp('game', 16261), udp('direct', 16262)], '2000m', '6Gi'),
  game('factorio', 'Factorio', 100, 'factoriotools/factorio:stable', [udp('game', 34197)], '1000m', '2Gi'),
  game('satisfactory', 'Satisfactory', 240, 'wolveix/satisfactory-server:latest', [udp('game', 7777), tcp('api', 7777)], '4000m', '12Gi'),
  game('starbound', 'Starbound', 40, 'morgyn/starbound:latest', [tcp('game', 21025)], '1000m', '2Gi'),
];

const KEY = /^[a-z0-9][a-z0-9-]{0,31}$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const FIELDS = ['key', 'name', 'hourlyCost', 'image', 'ports', 'resources'];

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid game catalog:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkGame(g: Raw, where: string, problems: string[]): void {
  const p = (msg: string) => problems.push(`${where}: ${msg}`);
  for (const field of Object.keys(g).filter((f) => !FIELDS.includes(f))) {
    p(`unknown field "${field}"`);
  }
  if (typeof g.name !== 'string' || !g.name.trim() || g.name.length > 64) {
    p('name must be a non-empty string of at most 64 characters');
  }
  if (!Number.isSafeInteger(g.hourlyCost) || (g.hourlyCost as number) <= 0) {
    p('hourlyCost must be a positive whole number of GameCredits');
  }
  if (typeof g.image !== 'string' || !/^\S{1,255}$/.test(g.image)) {
    p('image must be a container image reference');
  }
  const ports = g.ports;
  if (!Array.isArray(ports) || ports.length === 0 || ports.length > 8) {
    p('ports must list 1 to 8 ports');
  } else {
    ports.forEach((port: unknown, i) => {
      const q = isObject(port) ? port : {};
      if (typeof q.name !== 'string' || !PORT_NAME.test(q.name)) {
        p(`ports[${i}].name must be a short lowercase name (letters, digits, dashes)`);
      }
      if (!Number.isInteger(q.containerPort) || (q.containerPort as number) < 1 || (q.containerPort as number) > 65535) {
        p(`ports[${i}].containerPort must be 1-65535`);
      }
      if (q.protocol !== 'TCP' && q.protocol !== 'UDP') {
        p(`ports[${i}].protocol must be TCP or UDP`);
      }
    });
    const names = ports.map((q: Raw) => q?.name);
    if (new Set(names).size !== names.length) {
      p('port names must be unique');
    }
  }
  const r = isObject(g.resources) ? g.resources : {};
  if (typeof r.cpu !== 'string' || !CPU.test(r.cpu)) {
    p('resources.cpu must be a Kubernetes CPU quantity such as "500m" or "2"');
  }
  if (typeof r.memory !== 'string' || !MEMORY.test(r.memory)) {
    p('resources.memory must be a Kubernetes memory quantity such as "2Gi"');
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
    const merged: Raw = { ...(byKey.get(entry.key) ?? {}), ...entry };
    checkGame(merged, `games[${i}] (${entry.key})`, problems);
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
