import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { Balance, RewardSlot, Tier } from './users.types';

/** The column behind each balance (constants, never input: they are spliced into SQL). */
const COLUMN: Record<Balance, string> = { credits: 'credits', wtgCoins: 'wtg_coins' };
/** The column holding each reward slot's last claim (constants, spliced into SQL like COLUMN). */
const SLOT_COLUMN: Record<RewardSlot, string> = { daily: 'last_daily_at', work: 'last_work_at' };

/** The users columns the economy moves: the two balances, the reward slots (daily, work) and the premium end. */
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
   * Takes a reward slot (daily bonus, work) at `now`: succeeds only when the last claim is at least
   * `cooldownMinutes` old. Concurrent claims queue on the row lock and re-check the condition after
   * the winner commits, so exactly one of them gets a row back. `now` comes from the service's Clock,
   * so a test can move it. Returns the claim time with the stored tier and premium end (the tier in
   * force is the service's to decide), or null when not yet due (or no such user).
   */
  async takeSlotIn(
    tx: Tx,
    userId: string,
    slot: RewardSlot,
    cooldownMinutes: number,
    now: Date,
  ): Promise<{ claimedAt: Date; tier: Tier; premiumUntil: Date | null } | null> {
    const col = SLOT_COLUMN[slot];
    const [rows]: [Array<{ claimed_at: Date; tier: Tier; premium_until: Date | null }>, number] = await tx.query(
      `UPDATE users SET ${col} = $3::timestamptz, updated_at = now()
       WHERE id = $1 AND (${col} IS NULL OR ${col} <= $3::timestamptz - make_interval(mins => $2))
       RETURNING ${col} AS claimed_at, tier, premium_until`,
      [userId, cooldownMinutes, now],
    );
    return rows[0] ? { claimedAt: rows[0].claimed_at, tier: rows[0].tier, premiumUntil: rows[0].premium_until } : null;
  }

  /** When the user may claim the slot again and how many seconds that is after `now`; null for an unknown user or a slot never taken. */
  async nextSlotIn(
    tx: Tx,
    userId: string,
    slot: RewardSlot,
    cooldownMinutes: number,
    now: Date,
  ): Promise<{ nextClaimAt: Date; retryAfterSeconds: number } | null> {
    const col = SLOT_COLUMN[slot];
    const rows: Array<{ next_at: Date; retry: number }> = await tx.query(
      `SELECT ${col} + make_interval(mins => $2) AS next_at,
         GREATEST(1, ceil(extract(epoch FROM ${col} + make_interval(mins => $2) - $3::timestamptz)))::int AS retry
       FROM users WHERE id = $1 AND ${col} IS NOT NULL`,
      [userId, cooldownMinutes, now],
    );
    return rows[0] ? { nextClaimAt: rows[0].next_at, retryAfterSeconds: rows[0].retry } : null;
  }

  /**
   * Makes the user premium for `months` more calendar months, counted from the later of `now` and the
   * current end, so a renewal before the end adds to it and one after it starts afresh. Premium without
   * an end (set by an operator) is left alone: null then, and for an unknown user.
   */
  async extendPremiumIn(tx: Tx, userId: string, months: number, now: Date): Promise<Date | null> {
    const [rows]: [Array<{ premium_until: Date }>, number] = await tx.query(
      `UPDATE users SET tier = 'premium', premium_until = GREATEST(premium_until, $3::timestamptz) + make_interval(months => $2), updated_at = now()
       WHERE id = $1 AND NOT (tier = 'premium' AND premium_until IS NULL)
       RETURNING premium_until`,
      [userId, months, now],
    );
    return rows[0]?.premium_until ?? null;
  }
}
