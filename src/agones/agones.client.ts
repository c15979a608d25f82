/** Agones GameServer states we react to (agones.dev/v1 status.state). */
export type GameServerState =
  | 'PortAllocation' | 'Creating' | 'Starting' | 'Scheduled' | 'RequestReady' | 'Ready'
  | 'Reserved' | 'Allocated' | 'Shutdown' | 'Error' | 'Unhealthy';

export interface GameServerPortSpec { name: string; containerPort: number; protocol: 'TCP' | 'UDP' }

/** What agis asks Agones to run for one server. */
export interface GameServerSpec {
  serverId: string;
  ownerId: string;
  gameType: string;
  image: string;
  ports: GameServerPortSpec[];
  resources: { cpu: string; memory: string };
}

/** What agis reads back from a GameServer. */
export interface GameServerInfo {
  name: string;
  serverId: string | null;
  ownerId: string | null;
  state: GameServerState | null;
  address: string | null;
  port: number | null;
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
}
