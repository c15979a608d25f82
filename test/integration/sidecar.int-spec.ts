import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { FakeAgonesSdk, type FakeHealthSpec } from '../fakes/fake-agones-sdk';
import { FakeMinecraftServer } from '../fakes/fake-minecraft-server';
import { pollUntil } from '../support/poll';

const SIDECAR = join(__dirname, '..', '..', 'dist', 'src', 'sidecar.js');
const PLAYERS_KEY = 'agones.dev/sdk-agis-players';

interface SidecarProcess {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Runs the compiled sidecar with the environment a GameServer pod gives it (Agones sets AGONES_SDK_GRPC_PORT). */
function startSidecar(env: Record<string, string>): SidecarProcess {
  if (!existsSync(SIDECAR)) {
    throw new Error(`${SIDECAR} is missing: npm test builds it in pretest (npm run build)`);
  }
  const proc = spawn(process.execPath, [SIDECAR], {
    env: {
      PATH: process.env.PATH,
      AGIS_READINESS_INTERVAL_MS: '150',
      AGIS_READINESS_TIMEOUT_MS: '1000',
      AGIS_TERMINATION_LOG: join(mkdtempSync(join(tmpdir(), 'agis-sidecar-')), 'termination-log'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output, exited };
}

describe('readiness sidecar (compiled process, official Agones SDK, fake SDK server over gRPC)', () => {
  const running: SidecarProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const s of running.splice(0)) {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
    for (const close of closers.splice(0).reverse()) {
      await close();
    }
  });

  /**
   * The GameServer's `health` block (agones.dev "Health Checking": after initialDelaySeconds, every periodSeconds
   * a check with no Health() ping within the period is a failure, and failureThreshold failures in a row mark the
   * GameServer Unhealthy). Tests where health must hold check every second but allow 20 s without a ping, so a
   * stalled machine cannot mark a healthy game Unhealthy; the sidecar pings every 150 ms here.
   */
  const STEADY: FakeHealthSpec = { periodSeconds: 1, failureThreshold: 20, initialDelaySeconds: 1 };
  /**
   * For the test that wants Unhealthy: two silent seconds are enough, once the 5 s initial delay (Agones' default,
   * the pod's boot allowance) has let the sidecar process start and the game become Ready.
   */
  const STRICT: FakeHealthSpec = { periodSeconds: 1, failureThreshold: 2, initialDelaySeconds: 5 };

  async function world(health = STEADY) {
    const sdk = new FakeAgonesSdk(health);
    const sdkPort = await sdk.start();
    closers.push(() => sdk.close());
    const game = new FakeMinecraftServer(await freePort());
    closers.push(() => game.stop());
    return { sdk, sdkPort, game };
  }

  it('keeps a booting game healthy, calls Ready() only once it answers the Server List Ping, then publishes its players', async () => {
    const { sdk, sdkPort, game } = await world();
    const sidecar = startSidecar({
      AGONES_SDK_GRPC_PORT: String(sdkPort),
      AGIS_READINESS_CHECK: 'protocol-minecraftvanilla',
      AGIS_READINESS_PORT: String(game.port),
    });
    running.push(sidecar);

    // Booting: the port is closed. Health pings keep Agones from marking the pod Unhealthy, but no Ready().
    await pollUntil(
      async () => sdk.calls('Health').length,
      (n) => n >= 5,
      { what: 'health pings while the game boots' },
    );
    expect(sdk.calls('Ready')).toHaveLength(0);
    expect(sdk.state).toBe('Scheduled');

    game.players = { online: 3, max: 20 };
    await game.listen();
    await pollUntil(
      async () => sdk.state,
      (s) => s === 'Ready',
      { what: 'the GameServer to become Ready' },
    );
    expect(sdk.calls('Ready')).toHaveLength(1);
    expect(game.statusRequests.length).toBeGreaterThan(0);
    await pollUntil(
      async () => sdk.annotations[PLAYERS_KEY],
      (v) => v === '3/20',
      { what: 'the player count annotation' },
    );

    game.players = { online: 7, max: 20 };
    await pollUntil(
      async () => sdk.annotations[PLAYERS_KEY],
      (v) => v === '7/20',
      { what: 'the updated player count' },
    );
    // Published on change only, and never a key Kubernetes would refuse.
    expect(sdk.calls('SetAnnotation')).toHaveLength(2);
    expect(sdk.rejectedUpdates).toEqual([]);
    expect(sdk.calls('Ready')).toHaveLength(1);

    sidecar.proc.kill('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  });

  it('stops its Health() pings when the game stops answering, so Agones marks the GameServer Unhealthy', async () => {
    const { sdk, sdkPort, game } = await world(STRICT);
    await game.listen();
    running.push(
      startSidecar({
        AGONES_SDK_GRPC_PORT: String(sdkPort),
        AGIS_READINESS_CHECK: 'protocol-minecraftvanilla',
        AGIS_READINESS_PORT: String(game.port),
        AGIS_READINESS_FAILURES: '2',
      }),
    );
    await pollUntil(
      async () => sdk.state,
      (s) => s === 'Ready',
      { what: 'Ready' },
    );

    await game.stop();
    await pollUntil(
      async () => sdk.state,
      (s) => s === 'Unhealthy',
      { what: 'Unhealthy after the game went silent', timeoutMs: 20_000 },
    );
    // Unhealthy is final: the SDK cannot bring it back, even if the game answers again.
    await game.listen();
    await pollUntil(
      async () => game.statusRequests.length,
      (n) => n > 0,
      { what: 'the sidecar to see the game again' },
    );
    expect(sdk.state).toBe('Unhealthy');
  });

  it('checks a game without a query protocol by TCP connect, and reports no players', async () => {
    const { sdk, sdkPort, game } = await world();
    running.push(startSidecar({ AGONES_SDK_GRPC_PORT: String(sdkPort), AGIS_READINESS_CHECK: 'tcp', AGIS_READINESS_PORT: String(game.port) }));
    await pollUntil(
      async () => sdk.calls('Health').length,
      (n) => n >= 3,
      { what: 'health pings' },
    );
    expect(sdk.state).toBe('Scheduled');
    await game.listen();
    await pollUntil(
      async () => sdk.state,
      (s) => s === 'Ready',
      { what: 'Ready after TCP connect' },
    );
    expect(sdk.annotations[PLAYERS_KEY]).toBeUndefined();
  });

  it('exits non-zero with the reason in the termination log when the SDK server is not there', async () => {
    const termination = join(mkdtempSync(join(tmpdir(), 'agis-sidecar-')), 'termination-log');
    const nobody = await freePort();
    const sidecar = startSidecar({
      AGONES_SDK_GRPC_PORT: String(nobody),
      AGIS_READINESS_CHECK: 'tcp',
      AGIS_READINESS_PORT: '25565',
      AGIS_SDK_CONNECT_TIMEOUT_MS: '500',
      AGIS_TERMINATION_LOG: termination,
    });
    running.push(sidecar);
    expect(await sidecar.exited).toBe(1);
    expect(readFileSync(termination, 'utf8')).toMatch(new RegExp(`^Agones SDK server not reachable on localhost:${nobody} within 500 ms`));
  });

  it('refuses to start with every bad setting named', async () => {
    const termination = join(mkdtempSync(join(tmpdir(), 'agis-sidecar-')), 'termination-log');
    const sidecar = startSidecar({ AGIS_READINESS_CHECK: 'Minecraft!', AGIS_READINESS_PORT: '70000', AGIS_TERMINATION_LOG: termination });
    running.push(sidecar);
    expect(await sidecar.exited).toBe(1);
    const output = sidecar.output.join('');
    expect(output).toContain('AGIS_READINESS_CHECK="Minecraft!"');
    expect(output).toContain('AGIS_READINESS_PORT="70000"');
  });
});
