import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Tx } from '../database/transactions';
import { isUuid } from '../common/values/uuid';
import { LIVE_STATUSES, ServerStatus } from './lifecycle/server-status';
import { Server, ServerListing, ServerPort } from './servers.types';

const SERVER_COLUMNS =
  'id, owner_id, name, game_type, status, address, port, ports, players_online, players_max, gameserver_name, ' +
  'cost_per_hour, billed_until, start_seq, start_charged, start_deadline, last_error, stop_reason, created_at, updated_at, guild_id';

interface ServerRow {
  id: string;
  owner_id: string;
  name: string;
  game_type: string;
  status: ServerStatus;
  address: string | null;
  port: number | null;
  ports: ServerPort[];
  players_online: number | null;
  players_max: number | null;
  gameserver_name: string | null;
  cost_per_hour: number;
  billed_until: Date | null;
  start_seq: number;
  start_charged: boolean;
  start_deadline: Date | null;
  last_error: string | null;
  stop_reason: string | null;
  created_at: Date;
  updated_at: Date;
  guild_id: string | null;
}

interface ListingRow extends ServerRow {
  public: boolean;
  description: string | null;
  lobby_guild_id: string | null;
}

const toListing = (r: ListingRow): ServerListing => ({
  server: toServer(r),
  public: r.public,
  description: r.description,
  guildId: r.lobby_guild_id,
});
const LISTING_COLUMNS = `${SERVER_COLUMNS}, public, description, lobby_guild_id`;

const toServer = (r: ServerRow): Server => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  gameType: r.game_type,
  status: r.status,
  address: r.address,
  port: r.port,
  ports: r.ports,
  playersOnline: r.players_online,
  playersMax: r.players_max,
  gameserverName: r.gameserver_name,
  costPerHour: r.cost_per_hour,
  billedUntil: r.billed_until,
  startSeq: r.start_seq,
  startCharged: r.start_charged,
  startDeadline: r.start_deadline,
  lastError: r.last_error,
  stopReason: r.stop_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  guildId: r.guild_id,
});

/** What a Ready GameServer tells about where and how full the server is. */
export interface Placement {
  address: string | null;
  ports: ServerPort[];
  players: { online: number; max: number } | null;
}

/** A start or restart about to ask Agones for a GameServer: what the record becomes meanwhile. */
export interface StartingState {
  status: 'creating' | 'starting';
  startSeq: number;
  startCharged: boolean;
  billedUntil: Date | null;
}

/** How a run that did not reach (or stay in) running ends: see ServerProvisioner.endRun. */
export interface EndedState {
  status: 'stopped' | 'error';
  stopReason: string;
  lastError: string;
  billedUntil: Date | null;
}

/** Rows affected by an UPDATE/DELETE through TypeORM's raw query ([rows, count]). */
const affected = (result: unknown): number => (Array.isArray(result) ? Number(result[1] ?? 0) : 0);
const LIVE = `('${LIVE_STATUSES.join("', '")}')`;
/** A server between GameServers: no GameServer, address, ports, players or start deadline. */
const NOT_PLACED = `gameserver_name = NULL, address = NULL, port = NULL, ports = '[]', players_online = NULL, players_max = NULL, start_deadline = NULL`;
const UNIQUE_VIOLATION = '23505';

/** SQL of the servers table; conditional updates name the state they expect, so late or repeated calls change nothing. */
@Injectable()
export class ServersRepository {
  constructor(private readonly db: DataSource) {}

  /** Read on the pool: GET /servers/:id and the answer of every start/stop read it. */
  async findById(id: string): Promise<Server | null> {
    const [row] = await queryRows<ServerRow>(this.db, `SELECT ${SERVER_COLUMNS} FROM servers WHERE id = $1`, [id]);
    return row ? toServer(row) : null;
  }

  /** The row as the caller's transaction sees it (its own uncommitted changes included). */
  async findIn(tx: Tx, id: string): Promise<Server | null> {
    const [row]: ServerRow[] = await tx.query(`SELECT ${SERVER_COLUMNS} FROM servers WHERE id = $1`, [id]);
    return row ? toServer(row) : null;
  }

  /** Locks the row for the rest of the transaction: every state change of a server goes through this lock. */
  async lock(tx: Tx, id: string): Promise<Server | null> {
    const [row]: ServerRow[] = await tx.query(`SELECT ${SERVER_COLUMNS} FROM servers WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toServer(row) : null;
  }

  /** Serialises one owner's creations so the per-user cap holds under concurrency. */
  async lockOwner(tx: Tx, ownerId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`servers:${ownerId}`]);
  }

  /** The owner's personal servers (a guild's servers count towards the guild's cap, not their creator's). */
  async countOwned(tx: Tx, ownerId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await tx.query(
      'SELECT count(*)::int AS count FROM servers WHERE owner_id = $1 AND guild_id IS NULL',
      [ownerId],
    );
    return count;
  }

  /** How many servers a guild's treasury pays for (the caller holds lockOwner(`guild:<id>`)). */
  async countOfGuild(tx: Tx, guildId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await tx.query('SELECT count(*)::int AS count FROM servers WHERE guild_id = $1', [guildId]);
    return count;
  }

  /** One page of a guild's servers, newest first. */
  async listOfGuild(guildId: string, offset: number, limit: number): Promise<[Server[], number]> {
    const rows = await queryRows<ServerRow>(
      this.db,
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE guild_id = $1 ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
      [guildId, limit, offset],
    );
    const [{ count }] = await queryRows<{ count: number }>(this.db, 'SELECT count(*)::int AS count FROM servers WHERE guild_id = $1', [guildId]);
    return [rows.map(toServer), count];
  }

  /**
   * A new record (`guildId`: paid from that guild's treasury); null when the owner (or, for a guild server, the
   * guild) already has a server of that name (names are unique per owner and per guild, case-insensitively).
   */
  async insert(
    tx: Tx,
    row: Pick<Server, 'ownerId' | 'name' | 'gameType' | 'status' | 'costPerHour'> & { guildId?: string | null },
  ): Promise<Server | null> {
    try {
      const [created]: ServerRow[] = await tx.query(
        `INSERT INTO servers (owner_id, name, game_type, status, cost_per_hour, guild_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SERVER_COLUMNS}`,
        [row.ownerId, row.name, row.gameType, row.status, row.costPerHour, row.guildId ?? null],
      );
      return toServer(created);
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        return null;
      }
      throw err;
    }
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await tx.query('DELETE FROM servers WHERE id = $1', [id]);
  }

  /** A start (or restart) is committed: a fresh sequence, no GameServer yet, no error or stop reason left over. */
  async beginStart(tx: Tx, id: string, next: StartingState): Promise<void> {
    await tx.query(
      `UPDATE servers SET status = $2, start_seq = $3, start_charged = $4, billed_until = $5, ${NOT_PLACED},
         last_error = NULL, stop_reason = NULL, updated_at = now()
       WHERE id = $1`,
      [id, next.status, next.startSeq, next.startCharged, next.billedUntil],
    );
  }

  /** running/starting → stopping; the started hour is kept (nothing to refund). `lastError` tells why, when the owner did not ask. */
  async beginStop(tx: Tx, id: string, stopReason: string, lastError?: string): Promise<void> {
    await tx.query(
      `UPDATE servers SET status = 'stopping', stop_reason = $2, start_charged = false, last_error = COALESCE($3, last_error), public = false, updated_at = now()
       WHERE id = $1`,
      [id, stopReason, lastError ?? null],
    );
  }

  async beginDelete(tx: Tx, id: string): Promise<void> {
    await tx.query(`UPDATE servers SET status = 'deleting', start_charged = false, updated_at = now() WHERE id = $1`, [id]);
  }

  /** The next hour is paid, at `costPerHour` (the catalog's price when it was charged): the server may run until `billedUntil`. */
  async extendPaidUntil(tx: Tx, id: string, billedUntil: Date, costPerHour: number): Promise<void> {
    await tx.query('UPDATE servers SET billed_until = $2, cost_per_hour = $3, updated_at = now() WHERE id = $1', [id, billedUntil, costPerHour]);
  }

  /** A start paid its hour at `costPerHour` (the catalog's price then): the server's view and a refund of that start read it. */
  async recordHourPriceIn(tx: Tx, id: string, costPerHour: number): Promise<void> {
    await tx.query('UPDATE servers SET cost_per_hour = $2 WHERE id = $1', [id, costPerHour]);
  }

  /** A live run ended without being asked to: the GameServer is forgotten and the reason kept. */
  async endRun(tx: Tx, id: string, ended: EndedState): Promise<void> {
    await tx.query(
      `UPDATE servers SET status = $2, stop_reason = $3, last_error = $4, billed_until = $5, start_charged = false, ${NOT_PLACED}, public = false,
         updated_at = now()
       WHERE id = $1`,
      [id, ended.status, ended.stopReason, ended.lastError, ended.billedUntil],
    );
  }

  /**
   * One page of an owner's servers, newest first, and how many match. Plain SQL on the pool: this runs
   * on every list request, where TypeORM's find/count machinery was a measurable share of the CPU.
   */
  async listOwned(ownerId: string, filter: { gameType?: string; status?: ServerStatus }, offset: number, limit: number): Promise<[Server[], number]> {
    const params: unknown[] = [ownerId];
    // A guild's servers are listed by the guild (GET /guilds/:id/servers), not as their creator's own.
    let where = 'owner_id = $1 AND guild_id IS NULL';
    if (filter.gameType) {
      params.push(filter.gameType);
      where += ` AND game_type = $${params.length}`;
    }
    if (filter.status) {
      params.push(filter.status);
      where += ` AND status = $${params.length}`;
    }
    const rows = await queryRows<ServerRow>(
      this.db,
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE ${where} ORDER BY created_at DESC, id ASC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    const [{ count }] = await queryRows<{ count: number }>(this.db, `SELECT count(*)::int AS count FROM servers WHERE ${where}`, params);
    return [rows.map(toServer), count];
  }

  /** Staff's search: one page of every server whose name contains `search` (case-insensitive) or whose id or owner id it is. */
  async searchAll(search: string | undefined, offset: number, limit: number): Promise<[Server[], number]> {
    const where = search
      ? `WHERE name ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' OR id::text = $1 OR owner_id::text = $1`
      : 'WHERE $1::text IS NULL';
    const params = [search ?? null];
    const rows: ServerRow[] = await this.db.query(
      `SELECT ${SERVER_COLUMNS} FROM servers ${where} ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
      [...params, limit, offset],
    );
    const [{ count }]: Array<{ count: number }> = await this.db.query(`SELECT count(*)::int AS count FROM servers ${where}`, params);
    return [rows.map(toServer), count];
  }

  /**
   * Records the GameServer a start created, unless the server was stopped, deleted or restarted meanwhile. A start
   * that paid its hour must be Ready within that hour (else it is refunded), so its deadline is at most billed_until.
   */
  async attachGameServer(id: string, startSeq: number, name: string, deadline: Date): Promise<boolean> {
    return (
      affected(
        await this.db.query(
          `UPDATE servers SET gameserver_name = $3, status = CASE WHEN status = 'creating' THEN 'starting' ELSE status END,
         start_deadline = CASE WHEN start_charged THEN LEAST($4::timestamptz, billed_until) ELSE $4::timestamptz END, updated_at = now()
       WHERE id = $1 AND start_seq = $2 AND status IN ('creating', 'starting') AND gameserver_name IS NULL`,
          [id, startSeq, name, deadline],
        ),
      ) === 1
    );
  }

  /** Which of these ids still have a server record (the rest of their volumes are orphans). */
  async existingIds(ids: string[]): Promise<Set<string>> {
    ids = ids.filter(isUuid);
    if (ids.length === 0) {
      return new Set();
    }
    const rows: Array<{ id: string }> = await this.db.query('SELECT id::text AS id FROM servers WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * The GameServer is playable: the server runs at its address and ports (no longer owes a refund, has no start
   * deadline). Repeated while running, it records changed ports or players and nothing else.
   */
  async markReady(tx: Tx, id: string, name: string, placement: Placement): Promise<boolean> {
    const port = placement.ports[0]?.port ?? null;
    return (
      affected(
        await tx.query(
          `UPDATE servers SET status = 'running', address = $3, port = $4, ports = $5::jsonb, players_online = $6, players_max = $7,
         start_charged = false, start_deadline = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND gameserver_name = $2 AND status IN ${LIVE}
         AND (status <> 'running' OR address IS DISTINCT FROM $3 OR port IS DISTINCT FROM $4 OR ports <> $5::jsonb
              OR players_online IS DISTINCT FROM $6 OR players_max IS DISTINCT FROM $7)`,
          [id, name, placement.address, port, JSON.stringify(placement.ports), placement.players?.online ?? null, placement.players?.max ?? null],
        ),
      ) === 1
    );
  }

  /** Starts that are still not Ready at their deadline. */
  async findPastStartDeadline(now: Date): Promise<Server[]> {
    const rows: ServerRow[] = await this.db.query(
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE status IN ('creating', 'starting') AND start_deadline <= $1`,
      [now],
    );
    return rows.map(toServer);
  }

  /** Ends a stop begun earlier (stopping → stopped) if nothing else happened to the server since. */
  async finishStop(tx: Tx, id: string, startSeq: number): Promise<Server | null> {
    // [rows, count] for an UPDATE through TypeORM's raw query; the stopped row saves the caller a read.
    const [rows]: [ServerRow[], number] = await tx.query(
      `UPDATE servers SET status = 'stopped', ${NOT_PLACED}, updated_at = now()
       WHERE id = $1 AND start_seq = $2 AND status = 'stopping' RETURNING ${SERVER_COLUMNS}`,
      [id, startSeq],
    );
    return rows[0] ? toServer(rows[0]) : null;
  }

  /** Deleting the GameServer failed: the server shows the error and keeps the name, so a retry or the reconciler can delete it. */
  async markReleaseFailed(tx: Tx, id: string, message: string): Promise<boolean> {
    return (
      affected(
        await tx.query(
          `UPDATE servers SET status = 'error', last_error = $2, updated_at = now() WHERE id = $1 AND status IN ('stopping', 'deleting')`,
          [id, message],
        ),
      ) === 1
    );
  }

  async removeIfDeleting(tx: Tx, id: string): Promise<boolean> {
    return affected(await tx.query(`DELETE FROM servers WHERE id = $1 AND status = 'deleting'`, [id])) === 1;
  }

  /**
   * Claims running servers whose paid hour has ended. SKIP LOCKED lets several replicas bill in parallel
   * without waiting on each other or on a user's start/stop that holds a row. A start that is not Ready yet is
   * not billed again: an hour is charged only for a server that became Ready in it or was running already.
   */
  async claimDue(tx: Tx, now: Date, limit: number): Promise<Server[]> {
    const rows: ServerRow[] = await tx.query(
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE status = 'running' AND billed_until <= $1
       ORDER BY billed_until ASC LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toServer);
  }

  async findByStatus(statuses: readonly ServerStatus[]): Promise<Server[]> {
    const rows: ServerRow[] = await this.db.query(`SELECT ${SERVER_COLUMNS} FROM servers WHERE status = ANY($1::varchar[])`, [[...statuses]]);
    return rows.map(toServer);
  }

  /** The server's lobby listing as the caller's transaction sees it (after lock()). */
  async listingIn(tx: Tx, id: string): Promise<ServerListing | null> {
    const [row]: ListingRow[] = await tx.query(`SELECT ${LISTING_COLUMNS} FROM servers WHERE id = $1`, [id]);
    return row ? toListing(row) : null;
  }

  /** Lists or unlists a server (the caller holds its lock); a stop or an ended run unlists it too (beginStop, endRun). */
  async setListingIn(tx: Tx, id: string, listing: { public: boolean; description: string | null; guildId: string | null }): Promise<void> {
    await tx.query('UPDATE servers SET public = $2, description = $3, lobby_guild_id = $4, updated_at = now() WHERE id = $1', [
      id,
      listing.public,
      listing.description,
      listing.guildId,
    ]);
  }

  /**
   * One page of the public lobby: listed servers that are running (a server that stops, fails or is deleted drops
   * out here even before its listing is cleared), those listed from `guildId` first, then the most recently changed.
   */
  async listLobby(filter: { gameType?: string; guildId?: string }, offset: number, limit: number): Promise<[ServerListing[], number]> {
    const params: unknown[] = [];
    // A running server has its address; the check keeps a half-recorded row from showing without one.
    let where = `public AND status = 'running' AND address IS NOT NULL`;
    if (filter.gameType) {
      params.push(filter.gameType);
      where += ` AND game_type = $${params.length}`;
    }
    const n = params.length;
    const rows = await queryRows<ListingRow>(
      this.db,
      `SELECT ${LISTING_COLUMNS} FROM servers WHERE ${where}
       ORDER BY COALESCE(lobby_guild_id = $${n + 1}::varchar, false) DESC, updated_at DESC, id ASC LIMIT $${n + 2} OFFSET $${n + 3}`,
      [...params, filter.guildId ?? null, limit, offset],
    );
    const [{ count }] = await queryRows<{ count: number }>(this.db, `SELECT count(*)::int AS count FROM servers WHERE ${where}`, params);
    return [rows.map(toListing), count];
  }

  /** How many servers a user owns, and how many of those are running (the /profile summary). */
  async countsOf(ownerId: string): Promise<{ total: number; running: number }> {
    const [row] = await queryRows<{ total: number; running: number }>(
      this.db,
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'running'))::int AS running FROM servers WHERE owner_id = $1`,
      [ownerId],
    );
    return row;
  }

  async countByGameAndStatus(): Promise<Array<{ gameType: string; status: ServerStatus; count: number }>> {
    const rows: Array<{ game_type: string; status: ServerStatus; count: number }> = await this.db.query(
      'SELECT game_type, status, count(*)::int AS count FROM servers GROUP BY game_type, status',
    );
    return rows.map((r) => ({ gameType: r.game_type, status: r.status, count: r.count }));
  }
}
