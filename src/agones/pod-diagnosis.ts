import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { GameServerInfo } from './agones.client';
import { GAME_CONTAINER, SIDECAR_CONTAINER } from './game-server-manifest';

// Waiting reasons kubelet reports for a container that cannot run (Kubernetes "Pod Lifecycle", container states).
const STUCK = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);
const MAX = 300;

const cut = (text: string) => (text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text);

/**
 * Why a GameServer is not serving, in one sentence an owner can act on, from what the API shows: Agones' state,
 * the pod's PodScheduled condition (Unschedulable), and each container's waiting/terminated state, including
 * the termination message the readiness sidecar writes. null when nothing specific is wrong (yet).
 */
export function diagnosePod(gameServer: GameServerInfo | null, pod: V1Pod | null): string | null {
  if (!gameServer) {
    return 'The GameServer no longer exists';
  }
  const statuses = pod?.status?.containerStatuses ?? [];
  const game = statuses.find((c) => c.name === GAME_CONTAINER);
  const sidecar = statuses.find((c) => c.name === SIDECAR_CONTAINER);
  const unschedulable = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const reasons = [
    unschedulable ? `Unschedulable: ${unschedulable.message ?? 'no node has room for it'}` : null,
    containerProblem('The game', game),
    containerProblem('The readiness sidecar', sidecar),
  ].filter((r): r is string => r !== null);
  if (gameServer.state === 'Unhealthy') {
    reasons.unshift('Unhealthy: the game stopped answering its readiness check or its container restarted');
  } else if (gameServer.state === 'Error') {
    reasons.unshift("Agones could not create the GameServer's pod");
  }
  if (reasons.length === 0 && !pod && gameServer.state !== 'Ready') {
    return `No pod yet (GameServer state ${gameServer.state ?? 'unknown'})`;
  }
  return reasons.length ? cut(reasons.join('; ')) : null;
}

function containerProblem(who: string, status: V1ContainerStatus | undefined): string | null {
  if (!status) {
    return null;
  }
  const waiting = status.state?.waiting;
  const last = status.lastState?.terminated ?? status.state?.terminated;
  const exited = last
    ? `exited with code ${last.exitCode}${last.message ? `: ${last.message.trim()}` : last.reason ? ` (${last.reason})` : ''}`
    : null;
  if (waiting?.reason && STUCK.has(waiting.reason)) {
    return `${who} cannot run: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}${exited ? `; it ${exited}` : ''}`;
  }
  return exited && status.restartCount > 0 ? `${who} ${exited}` : null;
}
