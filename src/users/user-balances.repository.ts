import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { Balance, Tier } from './users.types';

/** The column behind each balance (constants, never input: they are spliced into SQL). */
const COLUMN: Record<Balance, string> = { credits: 'credits', wtgCoins: 'wtg_coins' };

/** The users columns the economy moves: the two balances and the daily bonus slot. */
@Injectable()
export class UserBalancesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Moves a balance by a signed delta unless it would go below zero; the row lock it takes
   * serialises every movement of one user. Returns the new balance, or null when it cannot pay.
   */
  async moveIn(tx: Tx, userId: string, balance: Balance, delta: number): Promise<number | null> {
    const col = COLUMN[balance];
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<{ balance: string }>, number] = await tx.query(
      `UPDATE users SET ${col} = ${col} + $2, updated_at = now() WHERE id = $1 AND ${col} + $2 >= 0 RETURNING ${col} AS balance`,
      [userId, delta],
    );
    return rows[0] ? Number(rows[0].balance) : null;
  }

  /** The balance, inside `tx` when given; null for an unknown user. */
  async balanceOf(tx: Tx | null, userId: string, balance: Balance): Promise<number | null> {
    const rows: Array<{ balance: string }> = await (tx ?? this.db).query(`SELECT ${COLUMN[balance]} AS balance FROM users WHERE id = $1`, [userId]);
    return rows[0] ? Number(rows[0].balance) : null;
  }

  /**
   * Takes the daily bonus slot: succeeds only when the last claim is at least `windowHours` old.
   * Concurrent claims queue on the row lock and re-check the condition after the winner commits, so
   * exactly one of them gets a row back. Returns the claim time and tier, or null when not yet due.
   */
  async takeDailySlotIn(tx: Tx, userId: string, windowHours: number): Promise<{ claimedAt: Date; tier: Tier } | null> {
    const [rows]: [Array<{ last_daily_at: Date; tier: Tier }>, number] = await tx.query(
      `UPDATE users SET last_daily_at = now(), updated_at = now()
       WHERE id = $1 AND (last_daily_at IS NULL OR last_daily_at <= now() - make_interval(hours => $2))
       RETURNING last_daily_at, tier`,
      [userId, windowHours],
    );
    return rows[0] ? { claimedAt: rows[0].last_daily_at, tier: rows[0].tier } : null;
  }

  /** When the user may claim again and how many seconds that is from now (database clock); null for an unknown user. */
  async nextDailySlotIn(tx: Tx, userId: string, windowHours: number): Promise<{ nextClaimAt: Date; retryAfterSeconds: number } | null> {
    const rows: Array<{ next_at: Date; retry: number }> = await tx.query(
      `SELECT last_daily_at + make_interval(hours => $2) AS next_at,
         GREATEST(1, ceil(extract(epoch FROM last_daily_at + make_interval(hours => $2) - clock_timestamp())))::int AS retry
       FROM users WHERE id = $1 AND last_daily_at IS NOT NULL`,
      [userId, windowHours],
    );
    return rows[0] ? { nextClaimAt: rows[0].next_at, retryAfterSeconds: rows[0].retry } : null;
  }
}
