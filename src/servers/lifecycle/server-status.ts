import type { GameServerState } from '../../agones/agones.client';

export const SERVER_STATUSES = ['creating', 'starting', 'running', 'stopping', 'stopped', 'error', 'deleting'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** A GameServer exists or is being created: these servers are billed, watched and reconciled. */
export const LIVE_STATUSES: readonly ServerStatus[] = ['creating', 'starting', 'running'];

export type ServerAction = 'start' | 'stop' | 'restart' | 'delete';

const ALLOWED_FROM: Record<ServerAction, readonly ServerStatus[]> = {
  start: ['stopped', 'error'],
  stop: LIVE_STATUSES,
  restart: ['running'],
  // Deleting is allowed from anywhere, even from a half-finished delete, so it can always be retried.
  delete: SERVER_STATUSES,
};

export function canApply(action: ServerAction, status: ServerStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

export function allowedFrom(action: ServerAction): readonly ServerStatus[] {
  return ALLOWED_FROM[action];
}

export function isLive(status: ServerStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

/**
 * What a GameServer's state means for its record: `ready` (playable), `gone` (shut down or deleted),
 * `failed` (Agones gave up on it) or null (still on its way; nothing to change).
 */
export type GameServerOutcome = 'ready' | 'gone' | 'failed' | null;

export function outcomeOf(state: GameServerState | null, deleted: boolean): GameServerOutcome {
  if (deleted) {
    return 'gone';
  }
  switch (state) {
    case 'Ready':
    case 'Allocated':
    case 'Reserved':
      return 'ready';
    case 'Shutdown':
      return 'gone';
    case 'Error':
    case 'Unhealthy':
      return 'failed';
    case 'PortAllocation':
    case 'Creating':
    case 'Starting':
    case 'Scheduled':
    case 'RequestReady':
    case null:
      return null;
  }
}
