/** The boards users are ranked on: GC balance, servers owned. */
export const BOARDS = ['credits', 'servers'] as const;
export type Board = (typeof BOARDS)[number];

/** One user at the top of a board. */
export interface RankedUser {
  discordId: string;
  username: string;
  value: number;
}

/** A position in a board's order: value descending, then the older account, then the lower id. */
export interface BoardKey {
  value: number;
  /** created_at as PostgreSQL text (microseconds intact), passed back to SQL as-is. */
  createdAt: string;
  /** created_at in microseconds since the epoch, for ordering in JavaScript. */
  createdAtMicros: bigint;
  id: string;
}

export interface Checkpoint {
  /** 1-based position of `key` when the snapshot was read. */
  position: number;
  key: BoardKey;
}
