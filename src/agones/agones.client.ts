/** Agones GameServer states we react to (agones.dev/v1 status.state). */
export type GameServerState =
  'PortAllocation' | 'Creating' | 'Starting' | 'Scheduled' | 'RequestReady' | 'Ready' | 'Reserved' | 'Allocated' | 'Shutdown' | 'Error' | 'Unhealthy';

/** Agones port protocols; `TCPUDP` opens the same port on both (agones.dev "GameServer Specification"). */
export type PortProtocol = 'TCP' | 'UDP' | 'TCPUDP';
export const PORT_PROTOCOLS: readonly PortProtocol[] = ['TCP', 'UDP', 'TCPUDP'];

export interface GameServerPortSpec {
  name: string;
  containerPort: number;
  protocol: PortProtocol;
}

/** How the readiness sidecar decides the game answers: a gamedig type, `tcp` or `udp`, on one container port. */
export interface ReadinessCheck {
  check: string;
  port: number;
}

/** What agis asks Agones to run for one server. */
export interface GameServerSpec {
  serverId: string;
  ownerId: string;
  gameType: string;
  image: string;
  ports: GameServerPortSpec[];
  resources: { cpu: string; memory: string };
  /** Environment of the game container (e.g. EULA=TRUE). */
  env: Record<string, string>;
  args?: string[];
  /** Where the game keeps its world; the server's volume is mounted here. */
  dataPath: string;
  readiness: ReadinessCheck;
}

/** The volume that holds one server's world across stops and restarts. */
export interface WorldVolumeSpec {
  serverId: string;
  ownerId: string;
  size: string;
}

export interface GameServerPort {
  name: string;
  port: number;
}

/** What agis reads back from a GameServer. */
export interface GameServerInfo {
  name: string;
  serverId: string | null;
  ownerId: string | null;
  state: GameServerState | null;
  address: string | null;
  /** The first port (the game's own), kept for clients that show one. */
  port: number | null;
  ports: GameServerPort[];
  /** Players online / max as the readiness sidecar last read them from the game's query protocol. */
  players: { online: number; max: number } | null;
  resourceVersion?: string;
}

export type GameServerEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; gameServer: GameServerInfo };

export const LABEL_SERVER_ID = 'agis.io/server-id';
export const LABEL_OWNER = 'agis.io/owner';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * Port to Agones (DI token). Implementations: KubernetesAgones (real API) and LocalAgones (simulator).
 * Failures throw DomainError UPSTREAM_FAILED (5xx/bad answer) or UPSTREAM_UNAVAILABLE (unreachable/timeout).
 */
export abstract class AgonesClient {
  /** Creates a GameServer labelled with the server id and owner; returns it as first seen. */
  abstract create(spec: GameServerSpec): Promise<GameServerInfo>;
  abstract get(name: string): Promise<GameServerInfo | null>;
  /** Every GameServer agis manages (by label). */
  abstract list(): Promise<GameServerInfo[]>;
  /** Deletes a GameServer; an already missing one counts as deleted. */
  abstract delete(name: string): Promise<void>;
  /**
   * Streams changes of managed GameServers until the returned stop function is called; reconnects by itself.
   * Like an informer: it starts with an ADDED event for every GameServer that already exists, and when a
   * reconnect has to re-list, whatever changed meanwhile arrives as ADDED / MODIFIED / DELETED, so no final
   * state is lost. Events are delivered asynchronously, never from inside create() or delete().
   */
  abstract watch(onEvent: (event: GameServerEvent) => void): () => void;
  /** Creates the server's world volume unless it exists; safe to call before every start. */
  abstract ensureVolume(spec: WorldVolumeSpec): Promise<void>;
  /** Deletes the server's world volume; an already missing one counts as deleted. */
  abstract deleteVolume(serverId: string): Promise<void>;
  /** Server ids that have a world volume (for the reconciler's orphan sweep). */
  abstract listVolumes(): Promise<string[]>;
  /** The last `tail` lines the game container wrote; [] when there is no pod (yet). */
  abstract logs(name: string, tail: number): Promise<string[]>;
  /**
   * Why a GameServer is not (or no longer) serving, read from it and its pod: unschedulable, image pull or
   * crash loops, a failed readiness sidecar, Unhealthy. null when nothing is wrong that can be told.
   */
  abstract diagnose(name: string): Promise<string | null>;
}
