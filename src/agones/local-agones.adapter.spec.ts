import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { loadConfig } from '../config/app-config';
import { type GameServerEvent, type GameServerSpec } from './agones.client';
import { AgonesMetrics, AGONES_REQUESTS_TOTAL } from './agones.metrics';
import { LocalAgones } from './local-agones.adapter';

const spec: GameServerSpec = {
  serverId: '5b0d7a3e-8f3c-4a51-9f57-2f4a7c1f0b11',
  ownerId: 'a1c3e5f7-0000-4000-8000-000000000001',
  gameType: 'minecraft',
  image: 'itzg/minecraft-server:latest',
  ports: [
    { name: 'game', containerPort: 25565, protocol: 'TCP' },
    { name: 'rcon', containerPort: 25575, protocol: 'TCP' },
  ],
  resources: { cpu: '1', memory: '2Gi' },
  env: { EULA: 'TRUE' },
  dataPath: '/data',
  readiness: { check: 'protocol-minecraftvanilla', port: 25565 },
};

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('LocalAgones', () => {
  let registry: Registry;
  let agones: LocalAgones;
  let dataDir: string;
  const stops: Array<() => void> = [];

  const counted = async (op: string, result: string) =>
    (await registry.getSingleMetric(AGONES_REQUESTS_TOTAL)!.get()).values.find((v) => v.labels.op === op && v.labels.result === result)?.value;

  beforeEach(() => {
    registry = new Registry();
    const counter = new Counter({ name: AGONES_REQUESTS_TOTAL, help: 'h', labelNames: ['op', 'result'], registers: [registry] });
    dataDir = mkdtempSync(join(tmpdir(), 'agis-local-agones-'));
    agones = new LocalAgones(loadConfig({ LOCAL_AGONES_STEP_MS: '20', DATA_DIR: dataDir }), new AgonesMetrics(counter));
  });
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    agones.onModuleDestroy();
  });

  it('creates a GameServer that walks Creating → Scheduled → RequestReady → Ready with 127.0.0.1 and a port in 7000-8000', async () => {
    const events: GameServerEvent[] = [];
    stops.push(agones.watch((e) => events.push(e)));
    const created = await agones.create(spec);
    expect(created).toMatchObject({ serverId: spec.serverId, ownerId: spec.ownerId, state: 'Creating', address: null, port: null });
    expect(created.name).toMatch(/^agis-minecraft-[a-z0-9]{5}$/);

    const ready = await until(async () => {
      const gs = await agones.get(created.name);
      return gs?.state === 'Ready' ? gs : undefined;
    }, 'Ready');
    expect(ready.address).toBe('127.0.0.1');
    expect(ready.port).toBeGreaterThanOrEqual(7000);
    expect(ready.port).toBeLessThanOrEqual(8000);

    await until(() => (events.length >= 4 ? true : undefined), 'four events');
    expect(events.map((e) => `${e.type}:${e.gameServer.state}`)).toEqual([
      'ADDED:Creating',
      'MODIFIED:Scheduled',
      'MODIFIED:RequestReady',
      'MODIFIED:Ready',
    ]);
    expect(events[3].gameServer).toMatchObject({ name: created.name, address: '127.0.0.1', port: ready.port });
    // Every port gets its own host port; players are simulated once Ready.
    expect(ready.ports.map((p) => p.name)).toEqual(['game', 'rcon']);
    expect(new Set(ready.ports.map((p) => p.port)).size).toBe(2);
    expect(ready.players).toEqual({ online: 0, max: 20 });
    expect((await agones.logs(created.name, 100)).at(-1)).toMatch(/ready for players$/);
  });

  it("keeps a server's world folder across GameServers until the volume is deleted", async () => {
    await agones.ensureVolume({ serverId: spec.serverId, ownerId: spec.ownerId, size: '10Gi' });
    const world = join(dataDir, 'worlds', spec.serverId);
    writeFileSync(join(world, 'level.dat'), 'my castle');
    const first = await agones.create(spec);
    await agones.delete(first.name);
    await agones.ensureVolume({ serverId: spec.serverId, ownerId: spec.ownerId, size: '10Gi' });
    await agones.create(spec);
    expect(readFileSync(join(world, 'level.dat'), 'utf8')).toBe('my castle');
    expect(await agones.listVolumes()).toEqual([spec.serverId]);

    await agones.deleteVolume(spec.serverId);
    expect(existsSync(world)).toBe(false);
    expect(await agones.listVolumes()).toEqual([]);
    await expect(agones.deleteVolume(spec.serverId)).resolves.toBeUndefined();
  });

  it('lists what exists, deletes with a DELETED event, and treats deleting a missing GameServer as done', async () => {
    const a = await agones.create(spec);
    const b = await agones.create({ ...spec, serverId: '5b0d7a3e-8f3c-4a51-9f57-2f4a7c1f0b12', gameType: 'valheim' });
    expect((await agones.list()).map((g) => g.name).sort()).toEqual([a.name, b.name].sort());

    const events: GameServerEvent[] = [];
    stops.push(agones.watch((e) => events.push(e)));
    // A new watcher first hears about what already exists, like an informer.
    await until(() => (events.length >= 2 ? true : undefined), 'initial ADDED events');
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['ADDED', 'ADDED']);

    await agones.delete(a.name);
    await until(() => events.find((e) => e.type === 'DELETED'), 'DELETED');
    expect(events.find((e) => e.type === 'DELETED')?.gameServer.name).toBe(a.name);
    expect(await agones.get(a.name)).toBeNull();
    await expect(agones.delete(a.name)).resolves.toBeUndefined();
    expect((await agones.list()).map((g) => g.name)).toEqual([b.name]);
    expect(await counted('delete', 'not_found')).toBe(1);
    expect(await counted('get', 'not_found')).toBe(1);
  });

  it('stops delivering events once the watch is stopped', async () => {
    const events: GameServerEvent[] = [];
    const stop = agones.watch((e) => events.push(e));
    const created = await agones.create(spec);
    await until(() => events.find((e) => e.type === 'ADDED'), 'ADDED');
    stop();
    const seen = events.length;
    await until(async () => ((await agones.get(created.name))?.state === 'Ready' ? true : undefined), 'Ready');
    expect(events.length).toBe(seen);
  });

  it('counts calls in agis_agones_requests_total', async () => {
    const created = await agones.create(spec);
    await agones.get(created.name);
    await agones.list();
    expect(await counted('create', 'success')).toBe(1);
    expect(await counted('get', 'success')).toBe(1);
    expect(await counted('list', 'success')).toBe(1);
  });
});
