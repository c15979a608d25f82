import { type BoardKey, type Checkpoint } from '../users/user-rankings.types';

/**
 * Rank checkpoints: every CHECKPOINT_EVERY-th position of a board, read in one index scan and kept
 * for a few seconds. A caller's rank is then the position of the last checkpoint before them plus
 * an exact count of the users between that checkpoint and them, an index range of about
 * CHECKPOINT_EVERY entries, instead of a count of every user ranked above them (O(rank), about
 * 100 ms for a user at the bottom of 1,000,000). The checkpoint positions are as old as the
 * snapshot, so a deep rank can be off by the moves other users made across that checkpoint since
 * then; a caller ahead of the first checkpoint is counted from the start of the board, exactly.
 */
export const CHECKPOINT_EVERY = 1000;

/** Negative when a ranks before b. uuids order like their lowercase hex text, as in PostgreSQL. */
export function compareKeys(a: BoardKey, b: BoardKey): number {
  if (a.value !== b.value) {
    return b.value - a.value;
  }
  if (a.createdAtMicros !== b.createdAtMicros) {
    return a.createdAtMicros < b.createdAtMicros ? -1 : 1;
  }
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** The last checkpoint strictly before `key` (binary search over checkpoints in board order), or null. */
export function lastCheckpointBefore(checkpoints: readonly Checkpoint[], key: BoardKey): Checkpoint | null {
  let lo = 0;
  let hi = checkpoints.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(checkpoints[mid].key, key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo === 0 ? null : checkpoints[lo - 1];
}
