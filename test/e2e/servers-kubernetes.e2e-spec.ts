import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgonesClient } from '../../src/agones/agones.client';
import { FakeKubernetes, kubeconfigYaml } from '../fakes/fake-kubernetes';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser, errorEnvelope, type TestUser } from '../support/factories';
import { expectCredits } from '../support/ledger-checks';
import { createServer, serverRow, waitForStatus } from '../support/server-steps';
import { pollUntil } from '../support/poll';
import { ServerReconcilerService } from '../../src/servers/lifecycle/server-reconciler.service';

const NAMESPACE = 'games';

describe('game servers on Kubernetes (KubernetesAgones against a fake API server)', () => {
  let fake: FakeKubernetes;
  let t: TestApp;
  beforeAll(async () => {
    fake = await FakeKubernetes.start();
    t = await createTestApp({
      AGIS_ROLES: 'api,scheduler',
      AGONES_MODE: 'kubernetes',
      KUBECONFIG: fake.writeKubeconfig(NAMESPACE),
      AGONES_NAMESPACE: NAMESPACE,
      AGONES_TIMEOUT_MS: '400',
      // Minecraft may take the whole paid hour to boot.
      SERVER_BOOT_TIMEOUT_SECONDS: '3600',
    });
    await pollUntil(() => fake.openWatches > 0, { what: 'the GameServer watch to connect' });
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const gameServerOf = (serverId: string) => fake.gameServers(NAMESPACE).find((g) => g.metadata.labels?.['agis.io/server-id'] === serverId);
  const waitForGameServer = (serverId: string) => pollUntil(() => gameServerOf(serverId), { what: `a GameServer for ${serverId}` });
  const expectBalance = (u: TestUser, credits: number) => expectCredits(t, u.userId, credits);

  it('creates → running with the address Agones reports → stopped → started → deleted, with balances at each step', async () => {
    const u = await createUser(t, { credits: 200 });
    const created = await createServer(t, u, { name: 'valley', gameType: 'valheim' });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    await expectBalance(u, 80);

    const gs = await waitForGameServer(id);
    expect(gs.metadata.labels).toEqual(expect.objectContaining({ 'agis.io/server-id': id, 'agis.io/owner': u.userId }));
    expect((await serverRow(t, id))?.status).toBe('starting');
    fake.setState(gs.metadata.name, 'Scheduled', { address: '203.0.113.7', port: 7402 });
    fake.setState(gs.metadata.name, 'Ready');
    const running = await waitForStatus(t, u, id, 'running');
    expect(running).toEqual(expect.objectContaining({ address: '203.0.113.7', port: 7402 }));
    await expectBalance(u, 80);

    const stopped = await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
    expect(stopped.status).toBe(202);
    expect(stopped.body.data.status).toBe('stopped');
    expect(gameServerOf(id)).toBeUndefined();
    await expectBalance(u, 80);

    expect((await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)).status).toBe(202);
    const second = await waitForGameServer(id);
    expect(second.metadata.name).not.toBe(gs.metadata.name);
    fake.setState(second.metadata.name, 'Ready', { address: '203.0.113.8', port: 7403 });
    expect(await waitForStatus(t, u, id, 'running')).toEqual(expect.objectContaining({ address: '203.0.113.8', port: 7403 }));
    await expectBalance(u, 80);

    expect((await t.http().delete(`/api/v1/servers/${id}`).set(u.auth)).status).toBe(200);
    expect(gameServerOf(id)).toBeUndefined();
    expect(await serverRow(t, id)).toBeUndefined();
    await expectBalance(u, 80);
  });

  it('follows Ready even after the watch stream was cut', async () => {
    const u = await createUser(t, { credits: 100 });
    const { id } = (await createServer(t, u, { name: 'resilient', gameType: 'minecraft' })).body.data;
    const gs = await waitForGameServer(id);
    expect(fake.dropWatches()).toBeGreaterThan(0);
    fake.setState(gs.metadata.name, 'Ready', { address: '203.0.113.9', port: 7404 });
    expect(await waitForStatus(t, u, id, 'running', 8000)).toEqual(expect.objectContaining({ address: '203.0.113.9' }));
  });

  it('deletes a GameServer that shows up for a server that is not meant to run (a create that answered too late)', async () => {
    const u = await createUser(t, { credits: 100 });
    const { id } = (await createServer(t, u, { name: 'idle', gameType: 'minecraft', start: false })).body.data;
    await t.app.get(AgonesClient).create({
      serverId: id,
      ownerId: u.userId,
      gameType: 'minecraft',
      image: 'itzg/minecraft-server:latest',
      ports: [{ name: 'game', containerPort: 25565, protocol: 'TCP' }],
      resources: { cpu: '1', memory: '1Gi' },
      env: {},
      dataPath: '/data',
      readiness: { check: 'tcp', port: 25565 },
    });
    expect(gameServerOf(id)).toBeDefined();
    await pollUntil(() => !gameServerOf(id), { what: 'the unwanted GameServer to be deleted' });
    expect((await serverRow(t, id))?.status).toBe('stopped');
  });

  describe('when Agones fails', () => {
    it('answers 502 to a create the API server refuses, refunds the hour and leaves no server behind', async () => {
      const u = await createUser(t, { credits: 100 });
      fake.injectFailures({ op: 'create', status: 500 });
      const res = await createServer(t, u, { name: 'doomed', gameType: 'minecraft' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual(errorEnvelope('UPSTREAM_FAILED', /Kubernetes API answered 500/));
      await expectBalance(u, 100);
      expect((await t.http().get('/api/v1/servers').set(u.auth)).body.meta.total).toBe(0);
      const rows = await t.db.query('SELECT reason, amount FROM credit_transactions WHERE user_id = $1 ORDER BY id', [u.userId]);
      expect(rows.map((r: { reason: string; amount: string }) => [r.reason, Number(r.amount)])).toEqual([
        ['test_grant', 100],
        ['server_hour', -30],
        ['refund', 30],
      ]);
      // Nothing half-created: the same name is free again.
      fake.clearFaults();
      expect((await createServer(t, u, { name: 'doomed', gameType: 'minecraft', start: false })).status).toBe(201);
    });

    it('answers 503 to a start that times out, shows the error on the server and refunds the hour', async () => {
      const u = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, u, { name: 'slow', gameType: 'minecraft', start: false })).body.data;
      fake.injectDelay(1500, 'create');
      const res = await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth);
      expect(res.status).toBe(503);
      expect(res.body).toEqual(errorEnvelope('UPSTREAM_UNAVAILABLE', /did not answer within 400 ms/));
      await expectBalance(u, 100);
      const row = await serverRow(t, id);
      expect(row).toEqual(expect.objectContaining({ status: 'error', last_error: expect.stringMatching(/Could not create the GameServer/) }));
      // The next start pays again (the refunded hour is no longer paid) and works once Agones answers.
      fake.clearFaults();
      expect((await t.http().post(`/api/v1/servers/${id}/start`).set(u.auth)).status).toBe(202);
      await expectBalance(u, 70);
      expect(await waitForGameServer(id)).toBeDefined();
    });

    it('ends a start not Ready when its paid hour ends, however long the GameServer took to create, and refunds that hour', async () => {
      const u = await createUser(t, { credits: 100 });
      fake.injectDelay(300, 'create');
      const { id } = (await createServer(t, u, { name: 'late riser', gameType: 'minecraft' })).body.data;
      const gs = await waitForGameServer(id);
      fake.setState(gs.metadata.name, 'Scheduled');
      await expectBalance(u, 70);
      const paidUntil = (await serverRow(t, id))!.billed_until as Date;
      // The boot allowance is the whole hour, counted from when the GameServer was made: it ends with the paid hour.
      await t.app.get(ServerReconcilerService).expireStarts(paidUntil);
      expect(await waitForStatus(t, u, id, 'error')).toMatchObject({
        stopReason: 'gameserver_failed',
        lastError: expect.stringMatching(/^Not ready within 60 minutes/),
      });
      await expectBalance(u, 100);
    });

    it('refunds a start whose GameServer turns Unhealthy before it was ever Ready, and deletes it', async () => {
      const u = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, u, { name: 'sick', gameType: 'minecraft' })).body.data;
      const gs = await waitForGameServer(id);
      await expectBalance(u, 70);
      fake.setState(gs.metadata.name, 'Unhealthy');
      const failed = await waitForStatus(t, u, id, 'error');
      expect(failed).toEqual(
        expect.objectContaining({
          lastError: 'Unhealthy: the game stopped answering its readiness check or its container restarted',
          stopReason: 'gameserver_failed',
        }),
      );
      await pollUntil(() => !gameServerOf(id), { what: 'the unhealthy GameServer to be deleted' });
      await expectBalance(u, 100);
    });

    it('keeps the charge of a server that ran, when its GameServer fails later', async () => {
      const u = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, u, { name: 'ran', gameType: 'minecraft' })).body.data;
      const gs = await waitForGameServer(id);
      fake.setState(gs.metadata.name, 'Ready', { address: '203.0.113.10', port: 7405 });
      await waitForStatus(t, u, id, 'running');
      fake.setState(gs.metadata.name, 'Unhealthy');
      await waitForStatus(t, u, id, 'error');
      await expectBalance(u, 70);
    });

    it('answers 502 when a stop cannot delete the GameServer, shows the error, and lets a retry finish the job', async () => {
      const u = await createUser(t, { credits: 100 });
      const { id } = (await createServer(t, u, { name: 'sticky', gameType: 'minecraft' })).body.data;
      await waitForGameServer(id);
      fake.injectFailures({ op: 'delete', status: 500 });
      const res = await t.http().post(`/api/v1/servers/${id}/stop`).set(u.auth);
      expect(res.status).toBe(502);
      expect(res.body).toEqual(errorEnvelope('UPSTREAM_FAILED'));
      expect(await serverRow(t, id)).toEqual(
        expect.objectContaining({ status: 'error', last_error: expect.stringMatching(/Could not delete the GameServer/) }),
      );
      expect(gameServerOf(id)).toBeDefined();
      fake.clearFaults();
      expect((await t.http().delete(`/api/v1/servers/${id}`).set(u.auth)).status).toBe(200);
      expect(gameServerOf(id)).toBeUndefined();
      await expectBalance(u, 70);
    });
  });

  it('answers 503 and refunds when the Kubernetes API cannot be reached at all', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dir = mkdtempSync(join(tmpdir(), 'agis-kube-closed-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, kubeconfigYaml(`http://127.0.0.1:${closedPort}`, NAMESPACE));
    const down = await createTestApp(
      { AGIS_ROLES: 'api', AGONES_MODE: 'kubernetes', KUBECONFIG: kubeconfig, AGONES_NAMESPACE: NAMESPACE, AGONES_TIMEOUT_MS: '400' },
      { databaseUrl: t.databaseUrl },
    );
    try {
      const u = await createUser(down, { credits: 100 });
      const res = await down.http().post('/api/v1/servers').set(u.auth).send({ name: 'nowhere', gameType: 'minecraft' });
      expect(res.status).toBe(503);
      expect(res.body).toEqual(errorEnvelope('UPSTREAM_UNAVAILABLE', /unreachable/));
      await expectBalance(u, 100);
      expect((await down.http().get('/api/v1/servers').set(u.auth)).body.meta.total).toBe(0);
    } finally {
      await down.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
