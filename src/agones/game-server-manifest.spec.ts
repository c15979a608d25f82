import { type GameServerSpec } from './agones.client';
import { buildGameServerManifest, buildVolumeClaim, generateName, namePrefix, parsePlayers, toGameServerInfo } from './game-server-manifest';

const spec: GameServerSpec = {
  serverId: 'srv-1',
  ownerId: 'owner-1',
  gameType: 'cs2',
  image: 'cm2network/cs2:latest',
  ports: [{ name: 'game', containerPort: 27015, protocol: 'TCPUDP' }],
  resources: { cpu: '2', memory: '4Gi' },
  env: { SRCDS_TOKEN: 'x', CS2_PORT: '27015' },
  args: ['-dedicated'],
  dataPath: '/home/steam/cs2-dedicated',
  readiness: { check: 'protocol-valve', port: 27015 },
};
const options = { sidecarImage: 'registry.example/agis:1.2.3' };
type Containers = Array<Record<string, unknown>>;
const containersOf = (m: ReturnType<typeof buildGameServerManifest>) =>
  (m.spec as { template: { spec: { containers: Containers } } }).template.spec.containers;

describe('namePrefix / generateName', () => {
  it('builds agis-<gameType>- and keeps it a valid Kubernetes name', () => {
    expect(namePrefix('minecraft')).toBe('agis-minecraft-');
    expect(namePrefix('7d2d')).toBe('agis-7d2d-');
    expect(namePrefix('Space Engineers!')).toBe('agis-space-engineers-');
    expect(namePrefix('___')).toBe('agis-game-');
    const long = namePrefix('x'.repeat(100));
    expect(long.length).toBeLessThanOrEqual(58);
    expect(long.endsWith('x-')).toBe(true);
  });

  it('appends five characters from the Kubernetes suffix alphabet', () => {
    const names = new Set(Array.from({ length: 50 }, () => generateName('agis-pz-')));
    for (const name of names) {
      expect(name).toMatch(/^agis-pz-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    expect(names.size).toBeGreaterThan(45);
  });
});

describe('buildGameServerManifest', () => {
  it('labels the GameServer and its pod with server id, owner and managed-by', () => {
    const manifest = buildGameServerManifest(spec, options);
    const labels = { 'agis.io/server-id': 'srv-1', 'agis.io/owner': 'owner-1', 'app.kubernetes.io/managed-by': 'agis' };
    expect(manifest).toMatchObject({ apiVersion: 'agones.dev/v1', kind: 'GameServer', metadata: { generateName: 'agis-cs2-', labels } });
    expect(manifest.metadata?.name).toBeUndefined();
    expect((manifest.spec as { template: { metadata: unknown } }).template.metadata).toEqual({ labels });
  });

  it('asks for dynamic host ports and sets requests equal to limits', () => {
    const manifest = buildGameServerManifest(spec, options);
    expect(manifest.spec).toMatchObject({
      ports: [{ name: 'game', portPolicy: 'Dynamic', containerPort: 27015, protocol: 'TCPUDP', container: 'game-server' }],
    });
    for (const container of containersOf(manifest)) {
      const { requests, limits } = container.resources as { requests: unknown; limits: unknown };
      expect(requests).toEqual(limits);
    }
    expect(containersOf(manifest)[0]).toMatchObject({ image: 'cm2network/cs2:latest', resources: { limits: { cpu: '2', memory: '4Gi' } } });
  });

  it('runs the game with its environment and arguments, the world volume at its data path, and names it as the game container', () => {
    const manifest = buildGameServerManifest(spec, options);
    expect((manifest.spec as { container: string }).container).toBe('game-server');
    const [game] = containersOf(manifest);
    expect(game).toMatchObject({
      name: 'game-server',
      args: ['-dedicated'],
      env: [
        { name: 'SRCDS_TOKEN', value: 'x' },
        { name: 'CS2_PORT', value: '27015' },
      ],
      volumeMounts: [{ name: 'world', mountPath: '/home/steam/cs2-dedicated' }],
    });
    expect((manifest.spec as { template: { spec: { volumes: unknown } } }).template.spec.volumes).toEqual([
      { name: 'world', persistentVolumeClaim: { claimName: 'agis-world-srv-1' } },
    ]);
  });

  it('adds the readiness sidecar from the agis image, told what to check', () => {
    const sidecar = containersOf(buildGameServerManifest(spec, options))[1];
    expect(sidecar).toMatchObject({
      name: 'agis-readiness',
      image: 'registry.example/agis:1.2.3',
      command: ['node', 'dist/src/sidecar.js'],
      env: [
        { name: 'AGIS_READINESS_CHECK', value: 'protocol-valve' },
        { name: 'AGIS_READINESS_PORT', value: '27015' },
      ],
    });
  });
});

describe('buildVolumeClaim', () => {
  it('claims the size on one node, labelled like the GameServer, in the configured storage class', () => {
    expect(buildVolumeClaim({ serverId: 'srv-1', ownerId: 'owner-1', size: '20Gi' }, 'fast-ssd')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'agis-world-srv-1',
        labels: { 'agis.io/server-id': 'srv-1', 'agis.io/owner': 'owner-1', 'app.kubernetes.io/managed-by': 'agis' },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'fast-ssd' },
    });
    expect(buildVolumeClaim({ serverId: 'srv-1', ownerId: 'owner-1', size: '1Gi' }, undefined).spec).not.toHaveProperty('storageClassName');
  });
});

describe('toGameServerInfo', () => {
  it('reads labels, state, address, every port and the players the sidecar published', () => {
    expect(
      toGameServerInfo({
        metadata: {
          name: 'agis-cs2-abcde',
          resourceVersion: '42',
          labels: { 'agis.io/server-id': 'srv-1', 'agis.io/owner': 'owner-1' },
          annotations: { 'agones.dev/sdk-agis-players': '3/24' },
        },
        status: {
          state: 'Ready',
          address: '10.1.2.3',
          ports: [
            { name: 'game', port: 7777 },
            { name: 'rcon', port: 7778 },
          ],
        },
      }),
    ).toEqual({
      name: 'agis-cs2-abcde',
      serverId: 'srv-1',
      ownerId: 'owner-1',
      state: 'Ready',
      address: '10.1.2.3',
      port: 7777,
      ports: [
        { name: 'game', port: 7777 },
        { name: 'rcon', port: 7778 },
      ],
      players: { online: 3, max: 24 },
      resourceVersion: '42',
    });
  });

  it('treats a players annotation that is not <online>/<max> as unknown', () => {
    expect(parsePlayers('3/24')).toEqual({ online: 3, max: 24 });
    for (const bad of [undefined, '', '3', '-1/5', 'three/24', '3/24/1']) {
      expect(parsePlayers(bad)).toBeNull();
    }
  });

  it('gives nulls for a GameServer that has no status yet, foreign labels or an unknown state', () => {
    expect(toGameServerInfo({ metadata: { name: 'x' } })).toEqual({
      name: 'x',
      serverId: null,
      ownerId: null,
      state: null,
      address: null,
      port: null,
      ports: [],
      players: null,
      resourceVersion: undefined,
    });
    expect(toGameServerInfo({ metadata: { name: 'x' }, status: { state: 'Exploded', address: '', ports: [{ port: 0 }] } })).toMatchObject({
      state: null,
      address: null,
      port: null,
    });
  });

  it('refuses an object without a name', () => {
    expect(() => toGameServerInfo({ metadata: {} })).toThrow('GameServer without metadata.name');
  });
});
