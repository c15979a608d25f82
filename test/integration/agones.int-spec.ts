import { Test, type TestingModule } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { AgonesClient, type GameServerEvent, type GameServerSpec } from '../../src/agones/agones.client';
import { AGONES_REQUESTS_TOTAL } from '../../src/agones/agones.metrics';
import { AgonesModule } from '../../src/agones/agones.module';
import { KubernetesAgones } from '../../src/agones/kubernetes-agones.adapter';
import { LocalAgones } from '../../src/agones/local-agones.adapter';
import { DomainError, ErrorCode } from '../../src/common/errors/domain-error';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { FakeKubernetes, kubeconfigYaml } from '../fakes/fake-kubernetes';
import { createTestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

const NAMESPACE = 'games';
const TIMEOUT_MS = 500;

function specFor(n: number, gameType = 'minecraft'): GameServerSpec {
  return {
    serverId: `5b0d7a3e-8f3c-4a51-9f57-2f4a7c1f${String(n).padStart(4, '0')}`,
    ownerId: 'a1c3e5f7-0000-4000-8000-000000000001',
    gameType,
    image: 'itzg/minecraft-server:2025.1',
    ports: [
      { name: 'game', containerPort: 25565, protocol: 'TCP' },
      { name: 'query', containerPort: 25575, protocol: 'UDP' },
    ],
    resources: { cpu: '500m', memory: '1Gi' },
    env: { EULA: 'TRUE' },
    dataPath: '/data',
    readiness: { check: 'protocol-minecraftvanilla', port: 25565 },
  };
}

async function counter(op: string, result: string): Promise<number> {
  const metric = register.getSingleMetric(AGONES_REQUESTS_TOTAL);
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels.op === op && v.labels.result === result)?.value ?? 0;
}

async function bootAgones(env: Record<string, string>): Promise<TestingModule> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), AgonesModule] }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

async function refusedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('KubernetesAgones against a Kubernetes API over HTTP', () => {
  let fake: FakeKubernetes;
  let moduleRef: TestingModule;
  let agones: AgonesClient;
  const stops: Array<() => void> = [];

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    moduleRef = await bootAgones({
      AGONES_MODE: 'kubernetes',
      KUBECONFIG: fake.writeKubeconfig(NAMESPACE),
      AGONES_NAMESPACE: NAMESPACE,
      AGONES_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    agones = moduleRef.get(AgonesClient);
  });
  afterEach(async () => {
    stops.splice(0).forEach((stop) => stop());
    fake.clearFaults();
    // Each test counts streams from zero.
    await pollUntil(() => fake.openWatches === 0, { what: 'stopped watches to close' });
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });

  it('is the adapter bound when AGONES_MODE=kubernetes', () => {
    expect(agones).toBeInstanceOf(KubernetesAgones);
  });

  describe('create / get / list / delete', () => {
    it('creates an agones.dev/v1 GameServer from generateName with the agis labels, dynamic ports and resources', async () => {
      const created = await agones.create(specFor(1));
      expect(created).toMatchObject({ serverId: specFor(1).serverId, ownerId: specFor(1).ownerId, state: 'Creating', address: null, port: null });
      expect(created.name).toMatch(/^agis-minecraft-[a-z0-9]{5}$/);

      const post = fake.requestsFor('create').at(-1)!;
      expect(post.path).toBe(`/apis/agones.dev/v1/namespaces/${NAMESPACE}/gameservers`);
      expect(post.authorization).toBe('Bearer fake-token');
      const stored = fake.gameServer(created.name)!;
      expect(stored.metadata).toMatchObject({
        generateName: 'agis-minecraft-',
        namespace: NAMESPACE,
        labels: { 'agis.io/server-id': specFor(1).serverId, 'agis.io/owner': specFor(1).ownerId, 'app.kubernetes.io/managed-by': 'agis' },
      });
      expect(stored.spec).toMatchObject({
        ports: [
          { name: 'game', portPolicy: 'Dynamic', containerPort: 25565, protocol: 'TCP' },
          { name: 'query', portPolicy: 'Dynamic', containerPort: 25575, protocol: 'UDP' },
        ],
        health: { disabled: false },
        template: {
          spec: {
            containers: [
              {
                name: 'game-server',
                image: 'itzg/minecraft-server:2025.1',
                env: [{ name: 'EULA', value: 'TRUE' }],
                resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
              },
              { name: 'agis-readiness', command: ['node', 'dist/src/sidecar.js'] },
            ],
          },
        },
      });
    });

    it('reads a GameServer back with state, address and port, and answers null for a missing one', async () => {
      const created = await agones.create(specFor(2));
      expect(fake.gameServerFor(specFor(2).serverId)?.metadata.name).toBe(created.name);
      fake.setState(created.name, 'Ready', { address: '10.0.0.7', port: 7123 });
      expect(await agones.get(created.name)).toMatchObject({
        name: created.name,
        serverId: specFor(2).serverId,
        state: 'Ready',
        address: '10.0.0.7',
        port: 7123,
      });
      expect(await agones.get('agis-minecraft-nope1')).toBeNull();
    });

    it('lists only the GameServers agis manages, by label selector', async () => {
      const ours = await agones.create(specFor(3, 'valheim'));
      const foreign = await fetch(`${fake.url}/apis/agones.dev/v1/namespaces/${NAMESPACE}/gameservers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'agones.dev/v1',
          kind: 'GameServer',
          metadata: { name: 'someone-else', labels: { app: 'other' } },
          spec: {
            ports: [{ name: 'default', containerPort: 7654 }],
            template: { spec: { containers: [{ name: 'simple-game-server', image: 'example/simple-game-server:1.0' }] } },
          },
        }),
      });
      expect(foreign.status).toBe(201);

      const names = (await agones.list()).map((g) => g.name);
      expect(names).toContain(ours.name);
      expect(names).not.toContain('someone-else');
      expect(fake.requestsFor('list').at(-1)!.query.labelSelector).toBe('app.kubernetes.io/managed-by=agis');
    });

    it('deletes a GameServer, and deleting one that is already gone counts as done', async () => {
      const created = await agones.create(specFor(4));
      await agones.delete(created.name);
      expect(fake.gameServer(created.name)).toBeUndefined();
      const notFoundBefore = await counter('delete', 'not_found');
      await expect(agones.delete(created.name)).resolves.toBeUndefined();
      expect(fake.requestsFor('delete').at(-1)!.status).toBe(404);
      expect(await counter('delete', 'not_found')).toBe(notFoundBefore + 1);
    });
  });

  describe('faults', () => {
    it('turns a 500 from the API into UPSTREAM_FAILED without leaking the client error', async () => {
      const errorsBefore = await counter('create', 'error');
      fake.injectFailures({ op: 'create', status: 500, count: 1 });
      const err = await agones.create(specFor(5)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(ErrorCode.UPSTREAM_FAILED);
      expect((err as DomainError).message).toBe(
        'Kubernetes API answered 500 when trying to create a GameServer for server 5b0d7a3e-8f3c-4a51-9f57-2f4a7c1f0005: injected failure for create',
      );
      expect((err as DomainError).message).not.toMatch(/HTTP-Code|Headers|Bearer/);
      expect(await counter('create', 'error')).toBe(errorsBefore + 1);
      // The failure was one-off: the next call goes through.
      await expect(agones.create(specFor(5))).resolves.toMatchObject({ state: 'Creating' });
    });

    it('gives up after AGONES_TIMEOUT_MS with UPSTREAM_UNAVAILABLE when the API is slow', async () => {
      fake.injectDelay(60_000, 'list');
      const asked = fake.requests.length;
      const err = await agones.list().catch((e: unknown) => e);
      expect((err as DomainError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect((err as DomainError).message).toBe(`Kubernetes API did not answer within ${TIMEOUT_MS} ms when trying to list GameServers`);
      // It gave up instead of waiting for the slow answer: the API saw the client hang up while the answer was still pending.
      const request = await pollUntil(() => fake.requests.slice(asked).find((r) => r.op === 'list' && r.status === -1), {
        what: 'the API to see the client hang up',
      });
      expect(request.status).toBe(-1);
      fake.clearFaults();
    });

    it('reports an unreachable API as UPSTREAM_UNAVAILABLE', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'agis-kube-offline-'));
      const kubeconfig = join(dir, 'config');
      writeFileSync(kubeconfig, kubeconfigYaml(`http://127.0.0.1:${await refusedPort()}`, NAMESPACE));
      const offline = await bootAgones({ AGONES_MODE: 'kubernetes', KUBECONFIG: kubeconfig, AGONES_NAMESPACE: NAMESPACE });
      try {
        const err = await offline
          .get(AgonesClient)
          .get('agis-minecraft-abcde')
          .catch((e: unknown) => e);
        expect((err as DomainError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
        expect((err as DomainError).message).toBe('Kubernetes API is unreachable (ECONNREFUSED) when trying to read GameServer agis-minecraft-abcde');
      } finally {
        await offline.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('watch', () => {
    it('delivers ADDED, MODIFIED (Ready with address and port) and DELETED', async () => {
      const events: GameServerEvent[] = [];
      stops.push(agones.watch((e) => events.push(e)));
      await pollUntil(() => fake.openWatches > 0, { what: 'the watch stream' });
      const created = await agones.create(specFor(10));
      const mine = () => events.filter((e) => e.gameServer.name === created.name);

      await pollUntil(() => mine().some((e) => e.type === 'ADDED'), { what: 'ADDED' });
      fake.setState(created.name, 'Scheduled');
      fake.setState(created.name, 'Ready', { address: '10.0.0.9', port: 7400 });
      const ready = await pollUntil(() => mine().find((e) => e.type === 'MODIFIED' && e.gameServer.state === 'Ready'), { what: 'MODIFIED Ready' });
      expect(ready.gameServer).toMatchObject({ serverId: specFor(10).serverId, ownerId: specFor(10).ownerId, address: '10.0.0.9', port: 7400 });

      await agones.delete(created.name);
      await pollUntil(() => mine().some((e) => e.type === 'DELETED'), { what: 'DELETED' });
      expect(mine().map((e) => `${e.type}:${e.gameServer.state}`)).toEqual([
        'ADDED:Creating',
        'MODIFIED:Scheduled',
        'MODIFIED:Ready',
        'DELETED:Ready',
      ]);
      const watchRequest = fake.requestsFor('watch').at(-1)!;
      expect(watchRequest.query).toMatchObject({ labelSelector: 'app.kubernetes.io/managed-by=agis', allowWatchBookmarks: 'true' });
    });

    it('starts with ADDED for GameServers that already exist', async () => {
      const existing = await agones.create(specFor(11));
      const events: GameServerEvent[] = [];
      stops.push(agones.watch((e) => events.push(e)));
      await pollUntil(() => events.find((e) => e.type === 'ADDED' && e.gameServer.name === existing.name), {
        what: 'ADDED for the existing GameServer',
      });
    });

    it('reconnects after the stream is cut and resumes from its resourceVersion without losing a change made meanwhile', async () => {
      const created = await agones.create(specFor(12));
      const events: GameServerEvent[] = [];
      const listsBefore = fake.requestsFor('list').length;
      stops.push(agones.watch((e) => events.push(e)));
      await pollUntil(() => fake.openWatches > 0 && events.some((e) => e.gameServer.name === created.name), {
        what: 'the watch with the initial ADDED',
      });
      fake.setState(created.name, 'Scheduled');
      await pollUntil(() => events.some((e) => e.gameServer.state === 'Scheduled'), { what: 'MODIFIED Scheduled' });
      const seenVersion = fake.gameServer(created.name)!.metadata.resourceVersion;
      const watchesBefore = fake.requestsFor('watch').length;

      expect(fake.dropWatches()).toBe(1);
      // Changed while nobody is watching.
      fake.setState(created.name, 'Ready', { address: '10.0.0.12', port: 7012 });

      const ready = await pollUntil(() => events.find((e) => e.gameServer.name === created.name && e.gameServer.state === 'Ready'), {
        what: 'Ready after reconnect',
      });
      expect(ready).toMatchObject({ type: 'MODIFIED', gameServer: { address: '10.0.0.12', port: 7012 } });
      const resumed = fake.requestsFor('watch').slice(watchesBefore);
      expect(resumed[0].query.resourceVersion).toBe(seenVersion);
      expect(fake.requestsFor('list').length).toBe(listsBefore + 1);
      expect(events.filter((e) => e.gameServer.name === created.name && e.gameServer.state === 'Ready')).toHaveLength(1);
    });

    it('re-lists when the API answers 410 Gone and reports what changed and what vanished meanwhile', async () => {
      const kept = await agones.create(specFor(13));
      const vanished = await agones.create(specFor(14));
      const events: GameServerEvent[] = [];
      stops.push(agones.watch((e) => events.push(e)));
      await pollUntil(() => fake.openWatches > 0 && events.filter((e) => e.type === 'ADDED').length >= 2, { what: 'initial ADDED events' });
      const listsBefore = fake.requestsFor('list').length;

      fake.dropWatches();
      fake.setState(kept.name, 'Ready', { address: '10.0.0.13', port: 7013 });
      fake.remove(vanished.name);
      fake.compactHistory();

      await pollUntil(() => events.find((e) => e.gameServer.name === kept.name && e.gameServer.state === 'Ready'), {
        what: 'Ready from the re-list',
      });
      await pollUntil(() => events.find((e) => e.type === 'DELETED' && e.gameServer.name === vanished.name), { what: 'DELETED from the re-list' });
      expect(fake.requestsFor('list').length).toBeGreaterThan(listsBefore);
      await pollUntil(() => fake.openWatches > 0, { what: 'a new watch after the re-list' });
    });

    it('keeps retrying when the watch request itself fails, then streams again', async () => {
      const errorsBefore = await counter('watch', 'error');
      const successBefore = await counter('watch', 'success');
      fake.injectFailures({ op: 'watch', status: 500, count: 2 });
      const events: GameServerEvent[] = [];
      stops.push(agones.watch((e) => events.push(e)));
      await pollUntil(() => fake.openWatches > 0, { what: 'a watch after two failures' });
      expect(await counter('watch', 'error')).toBe(errorsBefore + 2);
      await pollUntil(async () => (await counter('watch', 'success')) === successBefore + 1, { what: 'the stream counted as opened' });
      const created = await agones.create(specFor(15));
      await pollUntil(() => events.find((e) => e.type === 'ADDED' && e.gameServer.name === created.name), { what: 'ADDED after recovery' });
    });

    it('stops cleanly: the stream is closed and no event arrives afterwards', async () => {
      const events: GameServerEvent[] = [];
      const stop = agones.watch((e) => events.push(e));
      await pollUntil(() => fake.openWatches > 0, { what: 'the watch stream' });
      const errorsBefore = await counter('watch', 'error');
      const watchRequests = fake.requestsFor('watch').length;
      stop();
      await pollUntil(() => fake.openWatches === 0, { what: 'the stream to close' });
      // The AbortError of our own stop is neither a failure nor a reason to reconnect.
      expect(await counter('watch', 'error')).toBe(errorsBefore);
      const seen = events.length;
      await agones.create(specFor(16));
      // A fresh watch sees the new GameServer, which proves the event was streamed while the stopped one stayed silent.
      const other: GameServerEvent[] = [];
      stops.push(agones.watch((e) => other.push(e)));
      await pollUntil(() => other.some((e) => e.gameServer.serverId === specFor(16).serverId) && fake.openWatches === 1, { what: 'the other watch' });
      expect(events.length).toBe(seen);
      expect(fake.requestsFor('watch').length).toBe(watchRequests + 1);
    });
  });
});

describe('AgonesModule binding', () => {
  it('binds LocalAgones by default', async () => {
    const moduleRef = await bootAgones({ LOCAL_AGONES_STEP_MS: '10' });
    try {
      const agones = moduleRef.get(AgonesClient);
      expect(agones).toBeInstanceOf(LocalAgones);
      const created = await agones.create(specFor(30));
      await pollUntil(async () => (await agones.get(created.name))?.state === 'Ready', { what: 'Ready' });
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses to boot in kubernetes mode with an unreadable KUBECONFIG, naming it', async () => {
    await expect(bootAgones({ AGONES_MODE: 'kubernetes', KUBECONFIG: '/nonexistent/kubeconfig' })).rejects.toThrow(
      'KUBECONFIG=/nonexistent/kubeconfig could not be loaded',
    );
  });
});

describe('the app with AGONES_MODE=kubernetes', () => {
  it('exposes agis_agones_requests_total on /metrics, counting calls made through the injected client', async () => {
    const fake = await FakeKubernetes.start();
    const t = await createTestApp({ AGONES_MODE: 'kubernetes', KUBECONFIG: fake.writeKubeconfig(NAMESPACE), AGONES_NAMESPACE: NAMESPACE });
    try {
      const before = await counter('get', 'not_found');
      expect(await t.app.get(AgonesClient).get('agis-minecraft-zzzzz')).toBeNull();
      const res = await t.http().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('# TYPE agis_agones_requests_total counter');
      const line = res.text.split('\n').find((l) => l.startsWith('agis_agones_requests_total{op="get",result="not_found"}'));
      expect(Number(line?.split(' ')[1])).toBe(before + 1);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});
