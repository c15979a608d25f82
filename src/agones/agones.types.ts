/** The parts of an agones.dev/v1 GameServer (as the Kubernetes API returns it) that agis writes or reads. */
export interface GameServerResource {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: {
    state?: string;
    address?: string;
    ports?: Array<{ name?: string; port?: number }>;
  };
}

export interface GameServerListResource {
  metadata?: { resourceVersion?: string };
  items?: GameServerResource[];
}

/** One line of a Kubernetes watch stream. */
export interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: GameServerResource & { code?: number; message?: string };
}
