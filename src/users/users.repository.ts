import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Tx } from '../database/transactions';
import { Tier, UserAccount, UserContact, UserRecord } from './users.types';

interface UserRow {
  id: string;
  discord_id: string;
  username: string;
  credits: string;
  wtg_coins: string;
  tier: Tier;
  premium_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, discord_id, username, credits, wtg_coins, tier, premium_until, created_at, updated_at';

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  discordId: r.discord_id,
  username: r.username,
  credits: Number(r.credits),
  wtgCoins: Number(r.wtg_coins),
  tier: r.tier,
  premiumUntil: r.premium_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * The users table as identities: who a user is, how to reach them. Balances: UserBalancesRepository.
 * Records carry the stored tier; UsersService turns it into the tier in force (effectiveTier).
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Creates the user of a Discord id, or renames it when the name changed. Returns the id and whether
   * the row was created (`xmax = 0` holds only for a row this statement inserted, not for one its ON
   * CONFLICT branch updated), or null when the user exists with that name already.
   */
  async upsertIn(tx: Tx, discordId: string, username: string): Promise<{ id: string; created: boolean } | null> {
    const rows: Array<{ id: string; created: boolean }> = await tx.query(
      `INSERT INTO users (discord_id, username) VALUES ($1, $2)
       ON CONFLICT (discord_id) DO UPDATE SET username = EXCLUDED.username, updated_at = now()
         WHERE users.username IS DISTINCT FROM EXCLUDED.username
       RETURNING id, (xmax = 0) AS created`,
      [discordId, username],
    );
    return rows[0] ? { id: rows[0].id, created: rows[0].created } : null;
  }

  async findByDiscordIdIn(tx: Tx, discordId: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await tx.query(`SELECT ${COLUMNS} FROM users WHERE discord_id = $1`, [discordId]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findByDiscordId(discordId: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE discord_id = $1`, [discordId]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Also the profile read of every GET /users/me: plain SQL on the pool (see queryRows). */
  async findById(userId: string): Promise<UserRecord | null> {
    const [row] = await queryRows<UserRow>(this.db, `SELECT ${COLUMNS} FROM users WHERE id = $1`, [userId]);
    return row ? toUser(row) : null;
  }

  /** Discord usernames of the given users (unknown ids are left out). */
  async usernamesOf(userIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; username: string }> = await this.db.query('SELECT id, username FROM users WHERE id = ANY($1::uuid[])', [userIds]);
    return new Map(rows.map((r) => [r.id, r.username]));
  }

  async count(): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM users');
    return n;
  }

  /** Whether the bot may send the user direct messages about their servers. */
  async setNotifyDm(userId: string, enabled: boolean): Promise<void> {
    await this.db.query('UPDATE users SET notify_dm = $2 WHERE id = $1', [userId, enabled]);
  }

  /** Locks the user's row until the transaction ends; false when there is no such user. */
  async lockIn(tx: Tx, userId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
    return rows.length > 0;
  }

  /** Why the user is suspended (null: not suspended); read with every API-key request, so one statement on the pool. */
  async suspensionOf(userId: string): Promise<string | null> {
    const [row] = await queryRows<{ suspended_reason: string | null }>(this.db, 'SELECT suspended_reason FROM users WHERE id = $1', [userId]);
    return row?.suspended_reason ?? null;
  }

  /** Suspends a user who is not suspended yet; false when they already are (or do not exist). */
  async suspendIn(tx: Tx, userId: string, reason: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [unknown[], number] = await tx.query(
      'UPDATE users SET suspended_at = now(), suspended_reason = $2 WHERE id = $1 AND suspended_at IS NULL RETURNING id',
      [userId, reason],
    );
    return rows.length > 0;
  }

  /** Lifts a suspension; false when the user was not suspended. */
  async unsuspendIn(tx: Tx, userId: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [unknown[], number] = await tx.query(
      'UPDATE users SET suspended_at = NULL, suspended_reason = NULL WHERE id = $1 AND suspended_at IS NOT NULL RETURNING id',
      [userId],
    );
    return rows.length > 0;
  }

  /**
   * One page of every user matching `search` (part of the name, case-insensitive, or the exact Discord or user id),
   * newest first, with their suspension, and how many match. Staff only (AdminService).
   */
  async search(search: string | undefined, offset: number, limit: number): Promise<[UserAccount[], number]> {
    const where = search
      ? `WHERE username ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' OR discord_id = $1 OR id::text = $1`
      : 'WHERE $1::text IS NULL';
    const params = [search ?? null];
    const rows: Array<UserRow & { suspended_at: Date | null; suspended_reason: string | null }> = await this.db.query(
      `SELECT ${COLUMNS}, suspended_at, suspended_reason FROM users ${where} ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
      [...params, limit, offset],
    );
    const [{ count }]: Array<{ count: number }> = await this.db.query(`SELECT count(*)::int AS count FROM users ${where}`, params);
    return [rows.map((r) => ({ ...toUser(r), suspendedAt: r.suspended_at, suspendedReason: r.suspended_reason })), count];
  }

  async contactsOf(userIds: readonly string[]): Promise<Map<string, UserContact>> {
    const rows: Array<{ id: string; discord_id: string; notify_dm: boolean }> = await this.db.query(
      'SELECT id, discord_id, notify_dm FROM users WHERE id = ANY($1::uuid[])',
      [userIds],
    );
    return new Map(rows.map((r) => [r.id, { discordId: r.discord_id, directMessages: r.notify_dm }]));
  }
}
