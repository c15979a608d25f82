import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { ConfigError } from '../config/app-config';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** `tcp` and `udp` only see whether the port is open; anything else is a gamedig game or `protocol-<name>` id. */
export const PORT_CHECKS = ['tcp', 'udp'] as const;

/**
 * Settings of the readiness sidecar (`node dist/src/sidecar.js`), set by the GameServer manifest from the
 * game's catalog entry. Agones itself sets AGONES_SDK_GRPC_PORT in every container of the pod; the SDK reads it.
 */
export class SidecarConfig {
  /** How the game is asked whether it answers: `tcp`, `udp`, or a gamedig type such as `protocol-minecraftvanilla`. */
  @IsString()
  @MinLength(1)
  @Matches(/^[a-z0-9-]+$/, { message: 'AGIS_READINESS_CHECK must be tcp, udp or a gamedig type such as protocol-minecraftvanilla' })
  AGIS_READINESS_CHECK: string;

  /** Container port the game answers on (its query port where that differs from the game port). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  AGIS_READINESS_PORT: number;

  /** Containers of one pod share its network namespace, so the game is on loopback. */
  @IsString()
  AGIS_READINESS_HOST = '127.0.0.1';

  /** Time between two checks, and so between two Health() pings: well under Agones' health periodSeconds (5 s default). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  AGIS_READINESS_INTERVAL_MS = 2000;

  /** Consecutive failed checks of a Ready game before the sidecar stops its Health() pings (Agones then marks it Unhealthy). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  AGIS_READINESS_FAILURES = 3;

  /** How long one check may take. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  AGIS_READINESS_TIMEOUT_MS = 3000;

  /** How long to wait for the Agones SDK server at start before giving up (the container then restarts). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  AGIS_SDK_CONNECT_TIMEOUT_MS = 30_000;

  /** Where a fatal reason is written so Kubernetes shows it in the pod's container status (terminationMessagePath, 4 KiB). */
  @IsString()
  AGIS_TERMINATION_LOG = '/dev/termination-log';

  @IsIn(['debug', 'info', 'warn', 'error'])
  AGIS_SIDECAR_LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';
}

/** Reads the sidecar's settings; throws ConfigError naming every bad variable. */
export function loadSidecarConfig(env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  const names = Object.keys(new SidecarConfig()).concat('AGIS_READINESS_CHECK', 'AGIS_READINESS_PORT');
  const known = Object.fromEntries(names.map((n) => [n, env[n]]).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(SidecarConfig, known);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => `${e.property}=${JSON.stringify(env[e.property] ?? null)}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  return config;
}
