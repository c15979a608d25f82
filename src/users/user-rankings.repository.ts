import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Board, BoardKey, Checkpoint, RankedUser } from './user-rankings.types';

/**
 * Which users column each board ranks by. Both have an index on (column DESC, created_at, id),
 * the board's total order, so every query here is an index scan over a range of that order.
 */
const COLUMN: Record<Board, string> = { credits: 'credits', servers: 'server_count' };

interface KeyRow {
  value: string;
  created_at: string;
  micros: string;
  id: string;
}

const KEY_COLUMNS = (col: string) => `${col}::text AS value, created_at::text AS created_at,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros, id`;

const toKey = (r: KeyRow): BoardKey => ({ value: Number(r.value), createdAt: r.created_at, createdAtMicros: BigInt(r.micros), id: r.id });

/** The leaderboard's reads of users, in board order. */
@Injectable()
export class UserRankingsRepository {
  constructor(private readonly db: DataSource) {}

  /** The first `limit` users of the board, in rank order (an index scan that stops after `limit` rows). */
  async top(board: Board, limit: number): Promise<RankedUser[]> {
    const col = COLUMN[board];
    const rows: Array<{ discord_id: string; username: string; value: string }> = await this.db.query(
      `SELECT discord_id, username, ${col}::text AS value FROM users ORDER BY ${col} DESC, created_at ASC, id ASC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ discordId: r.discord_id, username: r.username, value: Number(r.value) }));
  }

  /** The user's position key on the board, read on every leaderboard request: plain SQL on the pool (see queryRows). */
  async keyOf(board: Board, userId: string): Promise<BoardKey | null> {
    const [row] = await queryRows<KeyRow>(this.db, `SELECT ${KEY_COLUMNS(COLUMN[board])} FROM users WHERE id = $1`, [userId]);
    return row ? toKey(row) : null;
  }

  /** Every `every`-th position of the board with its key: one pass over the board's index. */
  async checkpoints(board: Board, every: number): Promise<Checkpoint[]> {
    const col = COLUMN[board];
    const rows: Array<KeyRow & { position: string }> = await this.db.query(
      `SELECT s.position::text AS position, ${KEY_COLUMNS('s.v')} FROM (
         SELECT ${col} AS v, created_at, id, row_number() OVER (ORDER BY ${col} DESC, created_at, id) AS position FROM users
       ) s WHERE s.position % $1 = 0 ORDER BY s.position`,
      [every],
    );
    return rows.map((r) => ({ position: Number(r.position), key: toKey(r) }));
  }

  /**
   * Users strictly between `from` (exclusive; null = the start of the board) and `to` in board
   * order. Written as up to three index ranges (the rest of from's tie group, the values strictly
   * between, the start of to's tie group) so each is a bounded index-only count.
   */
  async countBetween(board: Board, from: BoardKey | null, to: BoardKey): Promise<number> {
    const col = COLUMN[board];
    const before = `(created_at, id) < ($1::timestamptz, $2::uuid)`;
    const params: unknown[] = [to.createdAt, to.id, String(to.value)];
    let sql: string;
    if (from === null) {
      sql = `SELECT (SELECT count(*) FROM users WHERE ${col} > $3)
                  + (SELECT count(*) FROM users WHERE ${col} = $3 AND ${before}) AS n`;
    } else if (from.value === to.value) {
      params.push(from.createdAt, from.id);
      sql = `SELECT count(*) AS n FROM users WHERE ${col} = $3 AND ${before} AND (created_at, id) > ($4::timestamptz, $5::uuid)`;
    } else {
      params.push(from.createdAt, from.id, String(from.value));
      sql = `SELECT (SELECT count(*) FROM users WHERE ${col} = $6 AND (created_at, id) > ($4::timestamptz, $5::uuid))
                  + (SELECT count(*) FROM users WHERE ${col} < $6 AND ${col} > $3)
                  + (SELECT count(*) FROM users WHERE ${col} = $3 AND ${before}) AS n`;
    }
    // The planner cannot estimate row-comparison ranges and guesses tens of thousands of rows, so it
    // starts parallel workers (~130 ms) for what is an index walk of about a thousand entries (< 1 ms).
    return this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const rows: Array<{ n: string }> = await tx.query(sql, params);
      return Number(rows[0].n);
    });
  }
}
