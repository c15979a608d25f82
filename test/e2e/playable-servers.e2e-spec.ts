import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreditsService } from '../../src/credits/credits.service';
import { freePort } from '../../src/database/embedded-postgres';
import { ServerBillingService } from '../../src/servers/billing/server-billing.service';
import { ServerReconcilerService } from '../../src/servers/lifecycle/server-reconciler.service';
import { FakeAgonesSdk } from '../fakes/fake-agones-sdk';
import { FakeKubernetes, type FakeGameServer } from '../fakes/fake-kubernetes';
import { FakeMinecraftServer } from '../fakes/fake-minecraft-server';
import { createUser, type TestUser } from '../support/factories';
import { expectCredits } from '../support/ledger-checks';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { createTestApp, type TestApp } from '../support/test-app';
import { pollUntil } from '../support/poll';

const NAMESPACE = 'games';
const SIDECAR = join(__dirname, '..', '..', 'dist', 'src', 'sidecar.js');
const MINUTE = 60_000;

type Container = { name: string; image?: string; env?: Array<{ name: string; value: string }>; volumeMounts?: unknown };
const containersOf = (gs: FakeGameServer) => (gs.spec as { template: { spec: { containers: Container[]; volumes: unknown } } }).template.spec;

describe('playable servers on a Kubernetes cluster (REST → KubernetesAgones → fake API, sidecar → fake Agones SDK)', () => {
  let fake: FakeKubernetes;
  let bot: DiscordTestBot;
  let t: TestApp;
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    bot = await startDiscordTestApp({
      AGIS_ROLES: 'api,bot,scheduler',
      AGONES_MODE: 'kubernetes',
      KUBECONFIG: fake.writeKubeconfig(NAMESPACE),
      AGONES_NAMESPACE: NAMESPACE,
      AGONES_TIMEOUT_MS: '1000',
      AGONES_SIDECAR_IMAGE: 'registry.example/agis:2.0.0',
      AGONES_STORAGE_CLASS: 'standard-rwo',
      DIRECT_MESSAGES_TICK_MS: '50',
    });
    t = bot.t;
    await pollUntil(() => fake.openWatches > 0, { what: 'the GameServer watch to connect' });
  });
  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    for (const close of closers) {
      await close();
    }
    await bot.close();
    await fake.close();
  });

  const gameServerOf = (serverId: string) => fake.gameServers(NAMESPACE).find((g) => g.metadata.labels?.['agis.io/server-id'] === serverId);
  const waitForGameServer = (serverId: string, not?: string) =>
    pollUntil(
      () => {
        const gs = gameServerOf(serverId);
        return gs && gs.metadata.name !== not ? gs : undefined;
      },
      { what: `a GameServer for ${serverId}` },
    );
  const claimOf = (serverId: string) => fake.volumeClaims(NAMESPACE).find((c) => c.metadata.name === `agis-world-${serverId}`);
  const expectBalance = (u: TestUser, credits: number) => expectCredits(t, u.userId, credits);

  /** What kubelet does with the sidecar container: runs `node dist/src/sidecar.js` with the env of the manifest. */
  function runSidecar(gs: FakeGameServer, sdkPort: number, gamePort: number): void {
    if (!existsSync(SIDECAR)) {
      throw new Error(`${SIDECAR} is missing: npm test builds it in pretest (npm run build)`);
    }
    const sidecar = containersOf(gs).containers.find((c) => c.name === 'agis-readiness')!;
    const env = Object.fromEntries((sidecar.env ?? []).map((e) => [e.name, e.value]));
    const child = spawn(process.execPath, [SIDECAR], {
      env: {
        PATH: process.env.PATH,
        ...env,
        // Pods share one network namespace; here the fake game listens on a free port of this machine instead.
        AGIS_READINESS_PORT: String(gamePort),
        AGONES_SDK_GRPC_PORT: String(sdkPort),
        AGIS_READINESS_INTERVAL_MS: '150',
        AGIS_TERMINATION_LOG: join(mkdtempSync(join(tmpdir(), 'agis-sidecar-')), 'termination-log'),
      },
      stdio: 'ignore',
    });
    children.push(child);
  }

  it('runs the game with its environment and world volume, and is running with every port and its players once the sidecar says Ready', async () => {
    const u = await createUser(t, { credits: 200 });
    const created = await createServer(t, u, { name: 'overworld', gameType: 'minecraft' });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    const gs = await waitForGameServer(id);

    const pod = containersOf(gs);
    expect(pod.containers.map((c) => c.name)).toEqual(['game-server', 'agis-readiness']);
    expect(pod.containers[0]).toMatchObject({
      image: 'itzg/minecraft-server:latest',
      env: [{ name: 'EULA', value: 'TRUE' }],
      volumeMounts: [{ name: 'world', mountPath: '/data' }],
    });
    expect(pod.containers[1]).toMatchObject({
      image: 'registry.example/agis:2.0.0',
      env: [
        { name: 'AGIS_READINESS_CHECK', value: 'protocol-minecraftvanilla' },
        { name: 'AGIS_READINESS_PORT', value: '25565' },
      ],
    });
    expect(pod.volumes).toEqual([{ name: 'world', persistentVolumeClaim: { claimName: `agis-world-${id}` } }]);
    expect(claimOf(id)).toMatchObject({
      metadata: { labels: { 'agis.io/server-id': id, 'agis.io/owner': u.userId } },
      spec: { resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard-rwo' },
    });
    expect(fake.pod(gs.metadata.name)?.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True' }]);

    // Nothing steps the GameServer by itself: without the SDK's Ready() it stays where it is.
    fake.setState(gs.metadata.name, 'Scheduled');
    const sdk = new FakeAgonesSdk({ periodSeconds: 2, failureThreshold: 3, initialDelaySeconds: 2 });
    const sdkPort = await sdk.start();
    closers.push(() => sdk.close());
    fake.attachSdk(gs.metadata.name, sdk, { address: '198.51.100.20', port: 7610 });
    const game = new FakeMinecraftServer(await freePort());
    game.players = { online: 4, max: 16 };
    closers.push(() => game.stop());
    runSidecar(gs, sdkPort, game.port);
    await pollUntil(() => sdk.calls('Health').length >= 3, { what: 'health pings while the game boots' });
    expect((await t.http().get(`/api/v1/servers/${id}`).set(u.auth)).body.data.status).toBe('starting');

    await game.listen();
    const running = await pollUntil(
      async () => {
        const res = await t.http().get(`/api/v1/servers/${id}`).set(u.auth);
        return res.body.data.status === 'running' && res.body.data.players ? (res.body.data as Record<string, unknown>) : undefined;
      },
      { what: 'running with players', timeoutMs: 15_000 },
    );
    expect(running).toMatchObject({
      address: '198.51.100.20',
      port: 7610,
      ports: [{ name: 'game', port: 7610, protocol: 'TCP' }],
      players: { online: 4, max: 16 },
    });
    expect(sdk.calls('Ready')).toHaveLength(1);

    game.players = { online: 5, max: 16 };
    await pollUntil(async () => (await t.http().get(`/api/v1/servers/${id}`).set(u.auth)).body.data.players?.online === 5, {
      what: 'the new player count',
    });
    await expectBalance(u, 170);

    // The owner's Discord user is told, once, with where to connect (players follow Ready, so the message may not have them).
    const [dm] = await pollUntil(() => bot.fake.directMessages.get(u.discordId), { what: 'the ready direct message' });
    expect((dm.embeds as Array<{ title: string; description: string; fields: unknown[] }>)[0]).toMatchObject({
      title: '✅ overworld is ready',
      description: 'Your minecraft server is up. Connect to `198.51.100.20:7610`.',
      fields: expect.arrayContaining([{ name: 'Ports', value: '`game` 7610/TCP', inline: true }]),
    });
    expect(bot.fake.directMessages.get(u.discordId)).toHaveLength(1);
  });

  it('mounts the same world volume again after stop and start, and deletes it with the server', async () => {
    const u = await createUser(t, { credits: 200 });
    const id = (await createServer(t, u, { name: 'keeper', gameType: 'minecraft' })).body.data.id as string;
    const first = await waitForGameServer(id);
    const claim = claimOf(id)!;
    fake.setState(first.metadata.name, 'Ready', { address: '198.51.100.21', port: 7620 });
    await waitForStatus(t, u, id, 'running');

    expect((await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth)).status).toBe(202);
    expect(gameServerOf(id)).toBeUndefined();
    expect(claimOf(id)?.metadata.uid).toBe(claim.metadata.uid);

    expect((await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)).status).toBe(202);
    const second = await waitForGameServer(id, first.metadata.name);
    expect(containersOf(second).volumes).toEqual([{ name: 'world', persistentVolumeClaim: { claimName: `agis-world-${id}` } }]);
    expect(claimOf(id)?.metadata.uid).toBe(claim.metadata.uid);

    expect((await t.http().delete(`/api/v1/servers/${id}`).set(u.auth)).status).toBe(200);
    expect(gameServerOf(id)).toBeUndefined();
    expect(claimOf(id)).toBeUndefined();
  });

  it('keeps the world volume through a restart and the unpaid-hour stop, and tells the owner it was stopped for lack of credits', async () => {
    const u = await createUser(t, { credits: 50 });
    const id = (await createServer(t, u, { name: 'homeland', gameType: 'minecraft' })).body.data.id as string;
    const worldOnly = [{ name: 'world', persistentVolumeClaim: { claimName: `agis-world-${id}` } }];
    const first = await waitForGameServer(id);
    const claim = claimOf(id)!;
    fake.setState(first.metadata.name, 'Ready', { address: '198.51.100.23', port: 7640 });
    await waitForStatus(t, u, id, 'running');
    await expectBalance(u, 20);

    // Restart: a new GameServer replaces the old one, on the same claim, and the paid hour carries on.
    expect((await t.http().post(`/api/v1/servers/${id}/restart`).set(u.auth)).status).toBe(202);
    const second = await waitForGameServer(id, first.metadata.name);
    expect(fake.gameServer(first.metadata.name)).toBeUndefined();
    expect(containersOf(second).volumes).toEqual(worldOnly);
    expect(containersOf(second).containers[0].volumeMounts).toEqual([{ name: 'world', mountPath: '/data' }]);
    expect(claimOf(id)?.metadata.uid).toBe(claim.metadata.uid);
    fake.setState(second.metadata.name, 'Ready', { address: '198.51.100.23', port: 7641 });
    await waitForStatus(t, u, id, 'running');
    await expectBalance(u, 20);

    // The paid hour ends and 20 GC cannot pay the next 30: billing stops the server, the world stays.
    await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 minute' WHERE id = $1`, [id]);
    await t.app.get(ServerBillingService).runOnce();
    const stopped = await waitForStatus(t, u, id, 'stopped');
    expect(stopped.stopReason).toBe('insufficient_credits');
    expect(gameServerOf(id)).toBeUndefined();
    expect(claimOf(id)?.metadata.uid).toBe(claim.metadata.uid);
    await expectBalance(u, 20);

    const stoppedNotice = await pollUntil(
      () =>
        (bot.fake.directMessages.get(u.discordId) ?? [])
          .flatMap((m) => m.embeds as Array<{ title: string; description: string }>)
          .find((e) => e.title === '⏹️ homeland was stopped'),
      { what: 'the stopped-for-lack-of-credits direct message' },
    );
    expect(stoppedNotice.description).toBe('It stopped because your balance could not pay the next hour. Top up and start it again.');

    // Topped up and started again: the world the unpaid stop kept is the one mounted.
    await t.app.get(CreditsService).grant(u.userId, 100, 'test_grant');
    expect((await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)).status).toBe(202);
    const third = await waitForGameServer(id, second.metadata.name);
    expect(containersOf(third).volumes).toEqual(worldOnly);
    expect(claimOf(id)?.metadata.uid).toBe(claim.metadata.uid);
    expect(fake.volumeClaims(NAMESPACE).filter((c) => c.metadata.labels?.['agis.io/server-id'] === id)).toHaveLength(1);
    fake.setState(third.metadata.name, 'Ready', { address: '198.51.100.23', port: 7642 });
    await waitForStatus(t, u, id, 'running');
    await expectBalance(u, 90);
  });

  it('ends a start that is not Ready by its deadline in error, with the reason from the pod, the hour refunded and never billed again', async () => {
    const u = await createUser(t, { credits: 100 });
    const id = (await createServer(t, u, { name: 'stuck', gameType: 'minecraft' })).body.data.id as string;
    const gs = await waitForGameServer(id);
    fake.setState(gs.metadata.name, 'Scheduled');
    fake.setPodStatus(gs.metadata.name, {
      containerStatuses: [
        {
          name: 'game-server',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "itzg/minecraft-server:latest"' } },
          lastState: {},
        },
      ],
    });
    await expectBalance(u, 70);
    const reconciler = t.app.get(ServerReconcilerService);
    // Still within the boot allowance: nothing happens.
    expect(await reconciler.expireStarts(new Date(Date.now() + 9 * MINUTE))).toBe(0);
    expect((await serverRow(t, id))?.status).toBe('starting');

    expect(await reconciler.expireStarts(new Date(Date.now() + 11 * MINUTE))).toBe(1);
    const failed = await waitForStatus(t, u, id, 'error');
    expect(failed).toMatchObject({
      stopReason: 'gameserver_failed',
      ports: [],
      players: null,
      lastError: 'Not ready within 10 minutes: The game cannot run: ImagePullBackOff (Back-off pulling image "itzg/minecraft-server:latest")',
    });
    await pollUntil(() => !gameServerOf(id), { what: 'the stuck GameServer to be deleted' });
    await expectBalance(u, 100);

    await t.app.get(ServerBillingService).runOnce(new Date(Date.now() + 3 * 60 * MINUTE));
    await expectBalance(u, 100);
    // The world volume stays: the owner can fix the cause and start again on the same world.
    expect(claimOf(id)).toBeDefined();
  });

  it('ends a start whose sidecar cannot reach the Agones SDK at its deadline, with that reason, and tells the owner', async () => {
    const u = await createUser(t, { credits: 100 });
    const id = (await createServer(t, u, { name: 'cutoff', gameType: 'minecraft' })).body.data.id as string;
    const gs = await waitForGameServer(id);
    fake.setState(gs.metadata.name, 'Scheduled');
    fake.setPodStatus(gs.metadata.name, {
      containerStatuses: [
        {
          name: 'agis-readiness',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: {
              exitCode: 1,
              message: 'Agones SDK server not reachable on localhost:9357 within 30000 ms: Failed to connect before the deadline',
            },
          },
        },
      ],
    });
    await t.app.get(ServerReconcilerService).expireStarts(new Date(Date.now() + 11 * MINUTE));
    const failed = await waitForStatus(t, u, id, 'error');
    expect(failed.lastError).toBe(
      'Not ready within 10 minutes: The readiness sidecar cannot run: CrashLoopBackOff; it exited with code 1: ' +
        'Agones SDK server not reachable on localhost:9357 within 30000 ms: Failed to connect before the deadline',
    );
    await expectBalance(u, 100);
    const told = await pollUntil(() => bot.fake.directMessages.get(u.discordId), { what: 'the failed direct message' });
    expect((told[0].embeds as Array<{ title: string; description: string }>)[0]).toMatchObject({
      title: '❌ cutoff failed',
      description: failed.lastError,
    });
  });

  it('ends a start whose game never answered its readiness check at its deadline, with that reason, refunded, and tells the owner', async () => {
    const u = await createUser(t, { credits: 100 });
    const id = (await createServer(t, u, { name: 'silent', gameType: 'minecraft' })).body.data.id as string;
    const gs = await waitForGameServer(id);
    fake.setState(gs.metadata.name, 'Scheduled');
    // Every container runs and none has failed; the game just never answers, so the sidecar never calls Ready().
    const running = { running: { startedAt: new Date().toISOString() } };
    fake.setPodStatus(gs.metadata.name, {
      containerStatuses: ['agones-gameserver-sidecar', 'game-server', 'agis-readiness'].map((name) => ({
        name,
        ready: name === 'agones-gameserver-sidecar',
        restartCount: 0,
        state: running,
        lastState: {},
      })),
    });
    await expectBalance(u, 70);

    expect(await t.app.get(ServerReconcilerService).expireStarts(new Date(Date.now() + 11 * MINUTE))).toBeGreaterThanOrEqual(1);
    const failed = await waitForStatus(t, u, id, 'error');
    expect(failed).toMatchObject({
      stopReason: 'gameserver_failed',
      lastError: 'Not ready within 10 minutes: the game never answered its readiness check',
    });
    await pollUntil(() => !gameServerOf(id), { what: 'the silent GameServer to be deleted' });
    await expectBalance(u, 100);
    const told = await pollUntil(() => bot.fake.directMessages.get(u.discordId), { what: 'the failed direct message' });
    expect(told.map((m) => (m.embeds as Array<{ title: string; description: string }>)[0])).toEqual([
      expect.objectContaining({ title: '❌ silent failed', description: 'Not ready within 10 minutes: the game never answered its readiness check' }),
    ]);
  });

  describe('when the world volume cannot be made', () => {
    afterEach(() => fake.clearFaults());

    it('answers 502 to a create whose claim the API refuses, refunds the hour, and leaves neither server nor claim', async () => {
      const u = await createUser(t, { credits: 100 });
      fake.injectFailures({ op: 'pvc_create', status: 500 });
      const res = await createServer(t, u, { name: 'no-room', gameType: 'minecraft' });
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringMatching(/create the world volume/) });
      await expectBalance(u, 100);
      expect((await t.db.query('SELECT count(*)::int AS n FROM servers WHERE owner_id = $1', [u.userId]))[0].n).toBe(0);
      expect(fake.volumeClaims(NAMESPACE).filter((c) => c.metadata.labels?.['agis.io/owner'] === u.userId)).toEqual([]);
    });

    it('answers 503 when the claim is slow, and removes the claim a failed first start made', async () => {
      const u = await createUser(t, { credits: 100 });
      fake.injectDelay(5000, 'pvc_create');
      const slow = await createServer(t, u, { name: 'sluggish', gameType: 'minecraft' });
      expect(slow.status).toBe(503);
      expect(slow.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
      await expectBalance(u, 100);
      fake.clearFaults();

      // The claim is made, then the GameServer is refused: the first start is undone whole.
      fake.injectFailures({ op: 'create', status: 500 });
      expect((await createServer(t, u, { name: 'half-made', gameType: 'minecraft' })).status).toBe(502);
      await expectBalance(u, 100);
      expect((await t.db.query('SELECT count(*)::int AS n FROM servers WHERE owner_id = $1', [u.userId]))[0].n).toBe(0);
      await pollUntil(() => fake.volumeClaims(NAMESPACE).every((c) => c.metadata.labels?.['agis.io/owner'] !== u.userId), { what: 'no claim left' });
    });
  });

  it('does not bill a start that is still booting when its paid hour ends', async () => {
    const u = await createUser(t, { credits: 100 });
    const id = (await createServer(t, u, { name: 'slowpoke', gameType: 'minecraft' })).body.data.id as string;
    const gs = await waitForGameServer(id);
    fake.setState(gs.metadata.name, 'Scheduled');
    await t.db.query(`UPDATE servers SET billed_until = now() - interval '1 minute' WHERE id = $1`, [id]);
    await t.app.get(ServerBillingService).runOnce();
    await expectBalance(u, 70);
    fake.setState(gs.metadata.name, 'Ready', { address: '198.51.100.22', port: 7630 });
    await waitForStatus(t, u, id, 'running');
    // Ready now, in an hour that was not paid yet: that hour is charged.
    await t.app.get(ServerBillingService).runOnce();
    await expectBalance(u, 40);
  });

  it('deletes world volumes whose server no longer exists', async () => {
    const orphanId = '00000000-0000-4000-8000-00000000beef';
    const res = await fetch(`${fake.url}/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: `agis-world-${orphanId}`,
          labels: { 'agis.io/server-id': orphanId, 'agis.io/owner': orphanId, 'app.kubernetes.io/managed-by': 'agis' },
        },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    });
    expect(res.status).toBe(201);
    const run = await t.app.get(ServerReconcilerService).runOnce();
    expect(run.volumesRemoved).toBeGreaterThanOrEqual(1);
    expect(claimOf(orphanId)).toBeUndefined();
  });
});

describe('playable servers on LocalAgones (the embedded default)', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agis-local-worlds-'));
    t = await createTestApp({ AGIS_ROLES: 'api,scheduler', AGONES_MODE: 'local', LOCAL_AGONES_STEP_MS: '10', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps a file written into the server's world across stop/start and restart, and removes it with the server", async () => {
    const u = await createUser(t, { credits: 500 });
    const id = (await createServer(t, u, { name: 'homestead', gameType: 'minecraft' })).body.data.id as string;
    const running = await waitForStatus(t, u, id, 'running');
    expect(running).toMatchObject({ ports: [{ name: 'game', protocol: 'TCP' }], players: { online: 0, max: 20 } });
    const world = join(dataDir, 'worlds', id);
    writeFileSync(join(world, 'level.dat'), 'spawn at 0,64,0');

    await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
    await waitForStatus(t, u, id, 'stopped');
    await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
    await waitForStatus(t, u, id, 'running');
    await t.http().post(`/api/v1/servers/${id}/restart`).set(u.auth);
    await waitForStatus(t, u, id, 'running');
    expect(readFileSync(join(world, 'level.dat'), 'utf8')).toBe('spawn at 0,64,0');

    expect((await t.http().delete(`/api/v1/servers/${id}`).set(u.auth)).status).toBe(200);
    expect(existsSync(world)).toBe(false);
  });
});
