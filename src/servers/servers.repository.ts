import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Server, ServerPort } from './server.entity';
import { LIVE_STATUSES, ServerStatus } from './server-status';
import { isUuid } from '../common/uuid';

export type ServerPatch = Partial<Pick<Server,
  'status' | 'address' | 'port' | 'ports' | 'playersOnline' | 'playersMax' | 'gameserverName' | 'billedUntil' | 'startSeq' | 'startCharged'
  | 'startDeadline' | 'lastError' | 'stopReason'>>;

const SERVER_COLUMNS = 'id, owner_id, name, game_type, status, address, port, ports, players_online, players_max, gameserver_name, ' +
  'cost_per_hour, billed_until, start_seq, start_charged, start_deadline, last_error, stop_reason, created_at, updated_at';

interface ServerRow {
  id: string; owner_id: string; name: string; game_type: string; status: ServerStatus; address: string | null; port: number | null;
  ports: ServerPort[]; players_online: number | null; players_max: number | null;
  gameserver_name: string | null; cost_per_hour: number; billed_until: Date | null; start_seq: number; start_charged: boolean;
  start_deadline: Date | null; last_error: string | null; stop_reason: string | null; created_at: Date; updated_at: Date;
}

const toServer = (r: ServerRow): Server => ({
  id: r.id, ownerId: r.owner_id, name: r.name, gameType: r.game_type, status: r.status, address: r.address, port: r.port,
  ports: r.ports, playersOnline: r.players_online, playersMax: r.players_max,
  gameserverName: r.gameserver_name, costPerHour: r.cost_per_hour, billedUntil: r.billed_until, startSeq: r.start_seq,
  startCharged: r.start_charged, startDeadline: r.start_deadline, lastError: r.last_error, stopReason: r.stop_reason,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

/** What a Ready GameServer tells about where and how full the server is. */
export interface Placement {
  address: string | null;
  ports: ServerPort[];
  players: { online: number; max: number } | null;
}

/** Rows affected by an UPDATE/DELETE through TypeORM's raw query ([rows, count]). */
const affected = (result: unknown): number => (Array.isArray(result) ? Number(result[1] ?? 0) : 0);
const LIVE = `('${LIVE_STATUSES.join("', '")}')`;

/** SQL of the servers table; conditional updates name the state they expect, so late or repeated calls change nothing. */
@Injectable()
export class ServersRepository {
  constructor(@InjectRepository(Server) private readonly servers: Repository<Server>, private readonly db: DataSource) {}

  findById(id: string): Promise<Server | null> {
    return this.servers.findOneBy({ id });
  }

  /** Locks the row for the rest of the transaction: every state change of a server goes through this lock. */
  lock(em: EntityManager, id: string): Promise<Server | null> {
    return em.getRepository(Server).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  insert(em: EntityManager, row: Pick<Server, 'ownerId' | 'name' | 'gameType' | 'status' | 'costPerHour'> & ServerPatch): Promise<Server> {
    const repo = em.getRepository(Server);
    return repo.save(repo.create({ startSeq: 0, startCharged: false, ports: [], ...row }));
  }

  async update(em: EntityManager, id: string, patch: ServerPatch): Promise<void> {
    await em.getRepository(Server).update({ id }, patch);
  }

  async remove(em: EntityManager, id: string): Promise<void> {
    await em.getRepository(Server).delete({ id });
  }

  async countOwned(em: EntityManager, ownerId: string): Promise<number> {
    return em.getRepository(Server).countBy({ ownerId });
  }

  /**
   * One page of an owner's servers, newest first, and how many match. Plain SQL on the pool: this runs
   * on every list request, where TypeORM's find/count machinery was a measurable share of the CPU.
   */
  async listOwned(ownerId: string, filter: { gameType?: string; status?: ServerStatus }, offset: number, limit: number): Promise<[Server[], number]> {
    const params: unknown[] = [ownerId];
    let where = 'owner_id = $1';
    if (filter.gameType) {
      params.push(filter.gameType);
      where += ` AND game_type = $${params.length}`;
    }
    if (filter.status) {
      params.push(filter.status);
      where += ` AND status = $${params.length}`;
    }
    const rows = await queryRows<ServerRow>(this.db,
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE ${where} ORDER BY created_at DESC, id ASC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset]);
    const [{ count }] = await queryRows<{ count: number }>(this.db, `SELECT count(*)::int AS count FROM servers WHERE ${where}`, params);
    return [rows.map(toServer), count];
  }

  /** Records the GameServer a start created, unless the server was stopped, deleted or restarted meanwhile. */
  async attachGameServer(id: string, startSeq: number, name: string, deadline: Date): Promise<boolean> {
    return affected(await this.db.query(
      `UPDATE servers SET gameserver_name = $3, status = CASE WHEN status = 'creating' THEN 'starting' ELSE status END,
         start_deadline = $4, updated_at = now()
       WHERE id = $1 AND start_seq = $2 AND status IN ('creating', 'starting') AND gameserver_name IS NULL`,
      [id, startSeq, name, deadline])) === 1;
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
  async markReady(id: string, name: string, placement: Placement, em?: EntityManager): Promise<boolean> {
    const port = placement.ports[0]?.port ?? null;
    return affected(await (em ?? this.db).query(
      `UPDATE servers SET status = 'running', address = $3, port = $4, ports = $5::jsonb, players_online = $6, players_max = $7,
         start_charged = false, start_deadline = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND gameserver_name = $2 AND status IN ${LIVE}
         AND (status <> 'running' OR address IS DISTINCT FROM $3 OR port IS DISTINCT FROM $4 OR ports <> $5::jsonb
              OR players_online IS DISTINCT FROM $6 OR players_max IS DISTINCT FROM $7)`,
      [id, name, placement.address, port, JSON.stringify(placement.ports), placement.players?.online ?? null, placement.players?.max ?? null])) === 1;
  }

  /** Starts that are still not Ready at their deadline. */
  findPastStartDeadline(now: Date): Promise<Server[]> {
    return this.servers.createQueryBuilder('s')
      .where(`s.status IN ('creating', 'starting')`)
      .andWhere('s.start_deadline <= :now', { now })
      .getMany();
  }

  /** Ends a stop begun earlier (stopping → stopped) if nothing else happened to the server since. */
  async finishStop(id: string, startSeq: number, em?: EntityManager): Promise<boolean> {
    return affected(await (em ?? this.db).query(
      `UPDATE servers SET status = 'stopped', address = NULL, port = NULL, ports = '[]', players_online = NULL, players_max = NULL,
         gameserver_name = NULL, start_deadline = NULL, updated_at = now()
       WHERE id = $1 AND start_seq = $2 AND status = 'stopping'`, [id, startSeq])) === 1;
  }

  /** Deleting the GameServer failed: the server shows the error and keeps the name, so a retry or the reconciler can delete it. */
  async markReleaseFailed(id: string, message: string, em?: EntityManager): Promise<boolean> {
    return affected(await (em ?? this.db).query(
      `UPDATE servers SET status = 'error', last_error = $2, updated_at = now() WHERE id = $1 AND status IN ('stopping', 'deleting')`, [id, message])) === 1;
  }

  async removeIfDeleting(id: string, em?: EntityManager): Promise<boolean> {
    return affected(await (em ?? this.db).query(`DELETE FROM servers WHERE id = $1 AND status = 'deleting'`, [id])) === 1;
  }

  /**
   * Claims running servers whose paid hour has ended. SKIP LOCKED lets several replicas bill in parallel
   * without waiting on each other or on a user's start/stop that holds a row. A start that is not Ready yet is
   * not billed again: an hour is charged only for a server that became Ready in it or was running already.
   */
  claimDue(em: EntityManager, now: Date, limit: number): Promise<Server[]> {
    return em.getRepository(Server).createQueryBuilder('s')
      .where(`s.status = 'running'`)
      .andWhere('s.billed_until <= :now', { now })
      .orderBy('s.billed_until', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  findByStatus(statuses: readonly ServerStatus[]): Promise<Server[]> {
    return this.servers.findBy({ status: In([...statuses]) });
  }

  async countByGameAndStatus(): Promise<Array<{ gameType: string; status: ServerStatus; count: number }>> {
    const rows: Array<{ game_type: string; status: ServerStatus; count: number }> =
      await this.db.query('SELECT game_type, status, count(*)::int AS count FROM servers GROUP BY game_type, status');
    return rows.map((r) => ({ gameType: r.game_type, status: r.status, count: r.count }));
  }
}
