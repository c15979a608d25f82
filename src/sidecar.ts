/*
 * Readiness sidecar: `node dist/src/sidecar.js`, run by every GameServer's pod next to the game container
 * (same image as the service). It tells Agones about a stock game image that never calls the SDK itself.
 */
import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { ConfigError } from './config/app-config';
import { probeFor } from './sidecar/game-probe';
import { type AgonesSdkPort, ReadinessLoop, type SidecarLog } from './sidecar/readiness-loop';
import { loadSidecarConfig, type SidecarConfig } from './sidecar/sidecar-config';

interface AgonesSdk extends AgonesSdkPort {
  client: { waitForReady(deadline: number, callback: (error?: Error) => void): void };
  close(): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

function logger(config: SidecarConfig): SidecarLog {
  return (level, message) => {
    if (LEVELS[level] >= LEVELS[config.AGIS_SIDECAR_LOG_LEVEL]) {
      console.log(JSON.stringify({ time: new Date().toISOString(), level, component: 'agis-sidecar', msg: message }));
    }
  };
}

const DEFAULT_TERMINATION_LOG = '/dev/termination-log';

/**
 * Kubernetes shows this file's text as the container's termination message (terminationMessagePath, which
 * kubelet creates in every container), so agis can tell the owner why. Outside Kubernetes the default path does
 * not exist and stderr alone carries the reason.
 */
function fail(config: SidecarConfig | undefined, reason: string): never {
  console.error(reason);
  const path = config?.AGIS_TERMINATION_LOG ?? process.env.AGIS_TERMINATION_LOG ?? DEFAULT_TERMINATION_LOG;
  if (path !== DEFAULT_TERMINATION_LOG || existsSync(path)) {
    try {
      writeFileSync(path, reason.slice(0, 4096));
    } catch {
      // stderr has the reason
    }
  }
  process.exit(1);
}

function connect(sdk: AgonesSdk, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    sdk.client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
  });
}

async function main(): Promise<void> {
  let config: SidecarConfig;
  try {
    config = loadSidecarConfig();
  } catch (err) {
    return fail(undefined, err instanceof ConfigError ? err.message : String(err));
  }
  const log = logger(config);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AgonesSDK = require('@google-cloud/agones-sdk') as new () => AgonesSdk;
  const sdk = new AgonesSDK();
  const sdkPort = process.env.AGONES_SDK_GRPC_PORT ?? '9357';
  try {
    await connect(sdk, config.AGIS_SDK_CONNECT_TIMEOUT_MS);
  } catch (err) {
    sdk.close();
    return fail(
      config,
      `Agones SDK server not reachable on localhost:${sdkPort} within ${config.AGIS_SDK_CONNECT_TIMEOUT_MS} ms: ` +
        `${err instanceof Error ? err.message : String(err)}`,
    );
  }
  log(
    'info',
    `connected to the Agones SDK server on localhost:${sdkPort}; checking ${config.AGIS_READINESS_CHECK} on port ${config.AGIS_READINESS_PORT}`,
  );

  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log('info', `${signal}: stopping`);
      stop.abort();
    });
  }
  const probe = probeFor(config.AGIS_READINESS_CHECK, {
    host: config.AGIS_READINESS_HOST,
    port: config.AGIS_READINESS_PORT,
    timeoutMs: config.AGIS_READINESS_TIMEOUT_MS,
  });
  const loop = new ReadinessLoop(
    sdk,
    probe,
    {
      intervalMs: config.AGIS_READINESS_INTERVAL_MS,
      failureThreshold: config.AGIS_READINESS_FAILURES,
    },
    log,
  );
  await loop.run(stop.signal);
  sdk.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => fail(undefined, err instanceof Error ? (err.stack ?? err.message) : String(err)),
);
