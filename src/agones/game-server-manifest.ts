import { randomInt } from 'node:crypto';
import { PLAYERS_ANNOTATION } from '../sidecar/readiness-loop';
import {
  type GameServerInfo,
  type GameServerPort,
  type GameServerSpec,
  type GameServerState,
  LABEL_MANAGED_BY,
  LABEL_OWNER,
  LABEL_SERVER_ID,
  type WorldVolumeSpec,
} from './agones.client';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { type GameServerResource } from './agones.types';

export const MANAGED_BY = 'agis';
/** The game's container in the pod template; Agones needs its name once a pod has more than one container. */
export const GAME_CONTAINER = 'game-server';
export const SIDECAR_CONTAINER = 'agis-readiness';
const WORLD_VOLUME = 'world';
/** Where Agones' SDK server stores what SetAnnotation was given (sdkserver.go metadataPrefix). */
export const PLAYERS_ANNOTATION_KEY = `agones.dev/sdk-${PLAYERS_ANNOTATION}`;
// The sidecar is a small Node process; requests equal limits like the game's, so the pod stays Guaranteed.
const SIDECAR_RESOURCES = { cpu: '100m', memory: '128Mi' };
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

const STATES: ReadonlySet<string> = new Set<GameServerState>([
  'PortAllocation',
  'Creating',
  'Starting',
  'Scheduled',
  'RequestReady',
  'Ready',
  'Reserved',
  'Allocated',
  'Shutdown',
  'Error',
  'Unhealthy',
]);

// Kubernetes names are at most 63 characters and generateName appends 5 more.
const PREFIX_MAX = 58;
// The alphabet Kubernetes uses for generateName suffixes (no vowels, no look-alikes).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `agis-<gameType>-`, reduced to what a Kubernetes object name accepts. */
export function namePrefix(gameType: string): string {
  const type =
    gameType
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'game';
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

/** The PersistentVolumeClaim that holds one server's world: one per server, named after it. */
export function volumeName(serverId: string): string {
  return `agis-world-${serverId}`;
}

export interface ManifestOptions {
  /** The agis image, which carries the readiness sidecar (`node dist/src/sidecar.js`). */
  sidecarImage: string;
}

/**
 * The agones.dev/v1 GameServer agis creates for one server: the game container with its environment and the
 * server's world volume at its data path, and the readiness sidecar that calls the Agones SDK for it.
 */
export function buildGameServerManifest(spec: GameServerSpec, options: ManifestOptions): GameServerResource {
  const labels = managedLabels(spec);
  const resources = { cpu: spec.resources.cpu, memory: spec.resources.memory };
  const game: Record<string, unknown> = {
    name: GAME_CONTAINER,
    image: spec.image,
    env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
    ...(spec.args?.length ? { args: spec.args } : {}),
    resources: { requests: resources, limits: resources },
    volumeMounts: [{ name: WORLD_VOLUME, mountPath: spec.dataPath }],
  };
  const sidecar = {
    name: SIDECAR_CONTAINER,
    image: options.sidecarImage,
    command: ['node', 'dist/src/sidecar.js'],
    env: [
      { name: 'AGIS_READINESS_CHECK', value: spec.readiness.check },
      { name: 'AGIS_READINESS_PORT', value: String(spec.readiness.port) },
    ],
    resources: { requests: SIDECAR_RESOURCES, limits: SIDECAR_RESOURCES },
    // kubelet shows the file's text as the container's termination message: diagnose() reads it.
    terminationMessagePath: '/dev/termination-log',
  };
  return {
    apiVersion: 'agones.dev/v1',
    kind: 'GameServer',
    metadata: { generateName: namePrefix(spec.gameType), labels },
    spec: {
      container: GAME_CONTAINER,
      ports: spec.ports.map((p) => ({
        name: p.name,
        portPolicy: 'Dynamic',
        containerPort: p.containerPort,
        protocol: p.protocol,
        container: GAME_CONTAINER,
      })),
      // Agones' own defaults, written out so a cluster-wide default change cannot surprise us.
      health: { disabled: false, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
      template: {
        metadata: { labels },
        spec: {
          containers: [game, sidecar],
          volumes: [{ name: WORLD_VOLUME, persistentVolumeClaim: { claimName: volumeName(spec.serverId) } }],
        },
      },
    },
  };
}

export function buildVolumeClaim(spec: WorldVolumeSpec, storageClass: string | undefined): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: volumeName(spec.serverId), labels: managedLabels(spec) },
    spec: {
      // One node mounts it at a time: a server runs one GameServer at a time.
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: spec.size } },
      ...(storageClass ? { storageClassName: storageClass } : {}),
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
  const ports: GameServerPort[] = (resource.status?.ports ?? [])
    .filter((p): p is { name: string; port: number } => typeof p.port === 'number' && p.port > 0)
    .map((p) => ({ name: p.name ?? '', port: p.port }));
  return {
    name,
    serverId: labels[LABEL_SERVER_ID] ?? null,
    ownerId: labels[LABEL_OWNER] ?? null,
    state: state !== undefined && STATES.has(state) ? (state as GameServerState) : null,
    address: resource.status?.address || null,
    port: ports[0]?.port ?? null,
    ports,
    players: parsePlayers(resource.metadata?.annotations?.[PLAYERS_ANNOTATION_KEY]),
    resourceVersion: resource.metadata?.resourceVersion,
  };
}

/** `online/max` as the sidecar writes it; anything else (a hand edit, an older sidecar) is unknown. */
export function parsePlayers(value: string | undefined): { online: number; max: number } | null {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(value ?? '');
  return m ? { online: Number(m[1]), max: Number(m[2]) } : null;
}
