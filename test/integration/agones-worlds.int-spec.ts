import { Test, type TestingModule } from '@nestjs/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgonesClient, type GameServerSpec } from '../../src/agones/agones.client';
import { AgonesModule } from '../../src/agones/agones.module';
import { DomainError, ErrorCode } from '../../src/common/errors/domain-error';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { freePort } from '../../src/database/embedded-postgres';
import { FakeAgonesSdk } from '../fakes/fake-agones-sdk';
import { FakeKubernetes } from '../fakes/fake-kubernetes';
import { FakeMinecraftServer } from '../fakes/fake-minecraft-server';
import { pollUntil } from '../support/poll';

const NAMESPACE = 'games';
const SIDECAR = join(__dirname, '..', '..', 'dist', 'src', 'sidecar.js');
let seq = 0;

function specFor(overrides: Partial<GameServerSpec> = {}): GameServerSpec {
  seq += 1;
  return {
    serverId: `7c1e2d3f-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    ownerId: 'a1c3e5f7-0000-4000-8000-000000000001',
    gameType: 'minecraft',
    image: 'itzg/minecraft-server:2025.1',
    ports: [
      { name: 'game', containerPort: 25565, protocol: 'TCP' },
      { name: 'voice', containerPort: 24454, protocol: 'TCPUDP' },
    ],
    resources: { cpu: '500m', memory: '1Gi' },
    env: { EULA: 'TRUE', TYPE: 'PAPER' },
    dataPath: '/data',
    readiness: { check: 'protocol-minecraftvanilla', port: 25565 },
    ...overrides,
  };
}

describe('KubernetesAgones: world volumes, logs, diagnosis and the readiness sidecar, against a Kubernetes API over HTTP', () => {
  let fake: FakeKubernetes;
  let moduleRef: TestingModule;
  let agones: AgonesClient;

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      AGONES_MODE: 'kubernetes',
      KUBECONFIG: fake.writeKubeconfig(NAMESPACE),
      AGONES_NAMESPACE: NAMESPACE,
      AGONES_SIDECAR_IMAGE: 'registry.example/agis:1.2.3',
      AGONES_STORAGE_CLASS: 'fast-ssd',
    });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), AgonesModule] }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    agones = moduleRef.get(AgonesClient);
  });
  afterEach(() => fake.clearFaults());

  /** A GameServer whose world volume exists, so its pod is scheduled. */
  async function createPlaced(spec = specFor()) {
    await agones.ensureVolume({ serverId: spec.serverId, ownerId: spec.ownerId, size: '1Gi' });
    return agones.create(spec);
  }
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });

  describe('world volumes', () => {
    it('creates one claim per server, keeps it across GameServers, and mounts it in each', async () => {
      const spec = specFor();
      const volume = { serverId: spec.serverId, ownerId: spec.ownerId, size: '20Gi' };
      await agones.ensureVolume(volume);
      await agones.ensureVolume(volume);
      const claims = fake.volumeClaims(NAMESPACE).filter((c) => c.metadata.labels?.['agis.io/server-id'] === spec.serverId);
      expect(claims).toHaveLength(1);
      expect(claims[0]).toMatchObject({
        metadata: { name: `agis-world-${spec.serverId}`, labels: { 'agis.io/owner': spec.ownerId, 'app.kubernetes.io/managed-by': 'agis' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'fast-ssd' },
      });
      expect(
        fake
          .requestsFor('pvc_create')
          .map((r) => r.status)
          .slice(-2),
      ).toEqual([201, 409]);
      expect(await agones.listVolumes()).toContain(spec.serverId);

      for (let run = 0; run < 2; run += 1) {
        const gs = await agones.create(spec);
        const pod = fake.pod(gs.name)!;
        expect(pod.spec.volumes).toEqual([{ name: 'world', persistentVolumeClaim: { claimName: `agis-world-${spec.serverId}` } }]);
        expect(pod.spec.containers.find((c) => c.name === 'game-server')).toMatchObject({ volumeMounts: [{ name: 'world', mountPath: '/data' }] });
        expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True' }]);
        await agones.delete(gs.name);
      }
      expect(fake.volumeClaims(NAMESPACE).map((c) => c.metadata.name)).toContain(`agis-world-${spec.serverId}`);
    });

    it('deletes a claim once no pod mounts it any more, and a missing claim counts as deleted', async () => {
      const spec = specFor();
      await agones.ensureVolume({ serverId: spec.serverId, ownerId: spec.ownerId, size: '5Gi' });
      const gs = await agones.create(spec);
      await agones.deleteVolume(spec.serverId);
      // pvc-protection: still there, Terminating, while the pod mounts it.
      expect(fake.volumeClaims(NAMESPACE).find((c) => c.metadata.name === `agis-world-${spec.serverId}`)?.metadata.deletionTimestamp).toBeDefined();
      await agones.delete(gs.name);
      expect(fake.volumeClaims(NAMESPACE).find((c) => c.metadata.name === `agis-world-${spec.serverId}`)).toBeUndefined();
      await expect(agones.deleteVolume(spec.serverId)).resolves.toBeUndefined();
      expect(fake.requestsFor('pvc_delete').at(-1)!.status).toBe(404);
    });

    it("reports a refused claim as UPSTREAM_FAILED with the API server's reason", async () => {
      const err = await agones.ensureVolume({ serverId: specFor().serverId, ownerId: 'o', size: 'lots' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(ErrorCode.UPSTREAM_FAILED);
      expect((err as DomainError).message).toMatch(/answered 422 .*spec\.resources\[storage\]: Invalid value: "lots"/);
    });
  });

  describe('what Agones admits', () => {
    it('creates a two-container GameServer the webhook admits, and reports what the webhook refuses', async () => {
      await expect(agones.create(specFor())).resolves.toMatchObject({ state: 'Creating' });
      const bad = specFor({ ports: [{ name: 'game', containerPort: 0, protocol: 'TCP' }] });
      const err = await agones.create(bad).catch((e: unknown) => e);
      expect((err as DomainError).code).toBe(ErrorCode.UPSTREAM_FAILED);
      expect((err as DomainError).message).toContain('game.containerPort: ContainerPort must be defined for Dynamic and Static portPolicies');
    });
  });

  describe('logs', () => {
    it('reads the last lines of the game container, not the sidecars, and [] while it has not started', async () => {
      const gs = await createPlaced();
      fake.appendLog(gs.name, 'game-server', ['[Server] Preparing level "world"', '[Server] Done (4.2s)!', '[Server] Steve joined the game']);
      fake.appendLog(gs.name, 'agis-readiness', ['{"msg":"waiting for the game to answer"}']);
      expect(await agones.logs(gs.name, 2)).toEqual(['[Server] Done (4.2s)!', '[Server] Steve joined the game']);
      expect(fake.requestsFor('pod_log').at(-1)!.query).toMatchObject({ container: 'game-server', tailLines: '2' });

      fake.setPodStatus(gs.name, {
        containerStatuses: [
          { name: 'game-server', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} },
        ],
      });
      expect(await agones.logs(gs.name, 10)).toEqual([]);
      expect(await agones.logs('agis-minecraft-gone0', 10)).toEqual([]);
    });
  });

  describe('diagnose', () => {
    it('names an unschedulable pod, an image that cannot be pulled, a failed sidecar and an Unhealthy GameServer', async () => {
      const spec = specFor();
      // No claim created: the scheduler cannot place the pod.
      const unplaced = await agones.create(spec);
      expect(await agones.diagnose(unplaced.name)).toBe(
        `Unschedulable: 0/3 nodes are available: persistentvolumeclaim "agis-world-${spec.serverId}" not found.`,
      );

      const pulling = await createPlaced();
      fake.setPodStatus(pulling.name, {
        containerStatuses: [
          {
            name: 'game-server',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "itzg/minecraft-server:2025.1"' } },
            lastState: {},
          },
        ],
      });
      expect(await agones.diagnose(pulling.name)).toBe(
        'The game cannot run: ImagePullBackOff (Back-off pulling image "itzg/minecraft-server:2025.1")',
      );

      const lonely = await createPlaced();
      fake.setPodStatus(lonely.name, {
        containerStatuses: [
          {
            name: 'agis-readiness',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, message: 'Agones SDK server not reachable on localhost:9357 within 30000 ms' } },
          },
        ],
      });
      expect(await agones.diagnose(lonely.name)).toBe(
        'The readiness sidecar cannot run: CrashLoopBackOff; it exited with code 1: Agones SDK server not reachable on localhost:9357 within 30000 ms',
      );

      fake.setState(lonely.name, 'Unhealthy');
      expect(await agones.diagnose(lonely.name)).toMatch(/^Unhealthy: the game stopped answering its readiness check/);
      expect(await agones.diagnose('agis-minecraft-gone1')).toBe('The GameServer no longer exists');
    });
  });

  describe('the readiness sidecar makes a GameServer Ready', () => {
    const children: ChildProcess[] = [];
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const child of children) {
        child.kill('SIGKILL');
      }
      for (const close of closers) {
        await close();
      }
    });

    it("stays Scheduled while the game boots; the sidecar's Ready() brings it to Ready with every port and the players", async () => {
      if (!existsSync(SIDECAR)) {
        throw new Error(`${SIDECAR} is missing: npm test builds it in pretest (npm run build)`);
      }
      const spec = specFor();
      await agones.ensureVolume({ serverId: spec.serverId, ownerId: spec.ownerId, size: '10Gi' });
      const gs = await agones.create(spec);
      fake.setState(gs.name, 'Scheduled');

      // The pod's SDK server and game, and the sidecar container with the environment the manifest gives it.
      const sdk = new FakeAgonesSdk({ periodSeconds: 2, failureThreshold: 3, initialDelaySeconds: 2 });
      const sdkPort = await sdk.start();
      closers.push(() => sdk.close());
      fake.attachSdk(gs.name, sdk, { address: '10.0.0.31', port: 7300 });
      const game = new FakeMinecraftServer(await freePort());
      game.players = { online: 2, max: 10 };
      closers.push(() => game.stop());
      const sidecarEnv = Object.fromEntries(
        (fake.pod(gs.name)!.spec.containers.find((c) => c.name === 'agis-readiness')!.env as Array<{ name: string; value: string }>).map((e) => [
          e.name,
          e.value,
        ]),
      );
      const child = spawn(process.execPath, [SIDECAR], {
        env: {
          PATH: process.env.PATH,
          ...sidecarEnv,
          AGIS_READINESS_PORT: String(game.port),
          AGONES_SDK_GRPC_PORT: String(sdkPort),
          AGIS_READINESS_INTERVAL_MS: '150',
          AGIS_TERMINATION_LOG: join(mkdtempSync(join(tmpdir(), 'agis-sidecar-')), 'termination-log'),
        },
        stdio: 'ignore',
      });
      children.push(child);
      expect(sidecarEnv).toEqual({ AGIS_READINESS_CHECK: 'protocol-minecraftvanilla', AGIS_READINESS_PORT: '25565' });

      await pollUntil(
        async () => sdk.calls('Health').length,
        (n) => n >= 3,
        { what: 'health pings while the game boots' },
      );
      expect((await agones.get(gs.name))?.state).toBe('Scheduled');

      await game.listen();
      const ready = await pollUntil(
        () => agones.get(gs.name),
        (g) => g?.state === 'Ready' && g.players !== null,
        { what: 'Ready with players' },
      );
      expect(ready).toMatchObject({
        address: '10.0.0.31',
        port: 7300,
        ports: [
          { name: 'game', port: 7300 },
          { name: 'voice', port: 7301 },
        ],
        players: { online: 2, max: 10 },
      });
    });
  });
});
