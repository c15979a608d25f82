import { GameServerSpec } from './agones.client';
import { buildGameServerManifest, generateName, namePrefix, toGameServerInfo } from './game-server-manifest';

const spec: GameServerSpec = {
  serverId: 'srv-1', ownerId: 'owner-1', gameType: 'cs2', image: 'cm2network/cs2:latest',
  ports: [{ name: 'game', containerPort: 27015, protocol: 'UDP' }], resources: { cpu: '2', memory: '4Gi' },
};

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
    const manifest = buildGameServerManifest(spec);
    const labels = { 'agis.io/server-id': 'srv-1', 'agis.io/owner': 'owner-1', 'app.kubernetes.io/managed-by': 'agis' };
    expect(manifest).toMatchObject({ apiVersion: 'agones.dev/v1', kind: 'GameServer', metadata: { generateName: 'agis-cs2-', labels } });
    expect(manifest.metadata?.name).toBeUndefined();
    expect((manifest.spec as { template: { metadata: unknown } }).template.metadata).toEqual({ labels });
  });

  it('asks for dynamic host ports and sets requests equal to limits', () => {
    const manifest = buildGameServerManifest(spec);
    expect(manifest.spec).toMatchObject({
      ports: [{ name: 'game', portPolicy: 'Dynamic', containerPort: 27015, protocol: 'UDP' }],
      template: { spec: { containers: [{ image: 'cm2network/cs2:latest', resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } }] } },
    });
  });
});

describe('toGameServerInfo', () => {
  it('reads labels, state, address and the first port', () => {
    expect(toGameServerInfo({
      metadata: { name: 'agis-cs2-abcde', resourceVersion: '42', labels: { 'agis.io/server-id': 'srv-1', 'agis.io/owner': 'owner-1' } },
      status: { state: 'Ready', address: '10.1.2.3', ports: [{ name: 'game', port: 7777 }, { name: 'rcon', port: 7778 }] },
    })).toEqual({ name: 'agis-cs2-abcde', serverId: 'srv-1', ownerId: 'owner-1', state: 'Ready', address: '10.1.2.3', port: 7777, resourceVersion: '42' });
  });

  it('gives nulls for a GameServer that has no status yet, foreign labels or an unknown state', () => {
    expect(toGameServerInfo({ metadata: { name: 'x' } })).toEqual({
      name: 'x', serverId: null, ownerId: null, state: null, address: null, port: null, resourceVersion: undefined,
    });
    expect(toGameServerInfo({ metadata: { name: 'x' }, status: { state: 'Exploded', address: '', ports: [{ port: 0 }] } }))
      .toMatchObject({ state: null, address: null, port: null });
  });

  it('refuses an object without a name', () => {
    expect(() => toGameServerInfo({ metadata: {} })).toThrow('GameServer without metadata.name');
  });
});
