import { randomInt } from 'node:crypto';
import {
  GameServerInfo, GameServerSpec, GameServerState, LABEL_MANAGED_BY, LABEL_OWNER, LABEL_SERVER_ID,
} from './agones.client';
import { GameServerResource } from './agones.types';

export const MANAGED_BY = 'agis';
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

const STATES: ReadonlySet<string> = new Set<GameServerState>([
  'PortAllocation', 'Creating', 'Starting', 'Scheduled', 'RequestReady', 'Ready',
  'Reserved', 'Allocated', 'Shutdown', 'Error', 'Unhealthy',
]);

// Kubernetes names are at most 63 characters and generateName appends 5 more.
const PREFIX_MAX = 58;
// The alphabet Kubernetes uses for generateName suffixes (no vowels, no look-alikes).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `agis-<gameType>-`, reduced to what a Kubernetes object name accepts. */
export function namePrefix(gameType: string): string {
  const type = gameType.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'game';
  return `agis-${type}`.slice(0, PREFIX_MAX - 1).replace(/-+$/, '') + '-';
}

/** What the API server does with generateName: the prefix plus five random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  }
  return prefix + suffix;
}

export function managedLabels(spec: Pick<GameServerSpec, 'serverId' | 'ownerId'>): Record<string, string> {
  return { [LABEL_SERVER_ID]: spec.serverId, [LABEL_OWNER]: spec.ownerId, [LABEL_MANAGED_BY]: MANAGED_BY };
}

/** The agones.dev/v1 GameServer agis creates for one server. */
export function buildGameServerManifest(spec: GameServerSpec): GameServerResource {
  const labels = managedLabels(spec);
  const resources = { cpu: spec.resources.cpu, memory: spec.resources.memory };
  return {
    apiVersion: 'agones.dev/v1',
    kind: 'GameServer',
    metadata: { generateName: namePrefix(spec.gameType), labels },
    spec: {
      ports: spec.ports.map((p) => ({ name: p.name, portPolicy: 'Dynamic', containerPort: p.containerPort, protocol: p.protocol })),
      // Agones' own defaults, written out so a cluster-wide default change cannot surprise us.
      health: { disabled: false, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'game-server', image: spec.image, resources: { requests: resources, limits: resources } }],
        },
      },
    },
  };
}

/** Reads a GameServer back; throws when the object lacks a name, which no valid answer does. */
export function toGameServerInfo(resource: GameServerResource): GameServerInfo {
  const name = resource.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('GameServer without metadata.name');
  }
  const labels = resource.metadata?.labels ?? {};
  const state = resource.status?.state;
  const port = resource.status?.ports?.[0]?.port;
  return {
    name,
    serverId: labels[LABEL_SERVER_ID] ?? null,
    ownerId: labels[LABEL_OWNER] ?? null,
    state: state !== undefined && STATES.has(state) ? (state as GameServerState) : null,
    address: resource.status?.address || null,
    port: typeof port === 'number' && port > 0 ? port : null,
    resourceVersion: resource.metadata?.resourceVersion,
  };
}
