import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { Server } from './server.entity';
import { LIVE_STATUSES, ServerStatus } from './server-status';

export type ServerPatch = Partial<Pick<Server,
  'status' | 'address' | 'port' | 'gameserverName' | 'billedUntil' | 'startSeq' | 'startCharged' | 'lastError' | 'stopReason'>>;

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
    return repo.save(repo.create({ startSeq: 0, startCharged: false, ...row }));
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

  async listOwned(ownerId: string, filter: { gameType?: string; status?: ServerStatus }, offset: number, limit: number): Promise<[Server[], number]> {
    const where: FindOptionsWhere<Server> = { ownerId, ...(filter.gameType ? { gameType: filter.gameType } : {}), ...(filter.status ? { status: filter.status } : {}) };
    return this.servers.findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, skip: offset, take: limit });
  }

  /** Records the GameServer a start created, unless the server was stopped, deleted or restarted meanwhile. */
  async attachGameServer(id: string, startSeq: number, name: string): Promise<boolean> {
    return affected(await this.db.query(
      `UPDATE servers SET gameserver_name = $3, status = CASE WHEN status = 'creating' THEN 'starting' ELSE status END, updated_at = now()
       WHERE id = $1 AND start_seq = $2 AND status IN ('creating', 'starting') AND gameserver_name IS NULL`,
      [id, startSeq, name])) === 1;
  }

  /** The GameServer is playable: the server runs at its address (and no longer owes a refund). */
  async markReady(id: string, name: string, address: string | null, port: number | null, em?: EntityManager): Promise<boolean> {
    return affected(await (em ?? this.db).query(
      `UPDATE servers SET status = 'running', address = $3, port = $4, start_charged = false, last_error = NULL, updated_at = now()
       WHERE id = $1 AND gameserver_name = $2 AND status IN ${LIVE}
         AND (status <> 'running' OR address IS DISTINCT FROM $3 OR port IS DISTINCT FROM $4)`,
      [id, name, address, port])) === 1;
  }

  /** Ends a stop begun earlier (stopping → stopped) if nothing else happened to the server since. */
  async finishStop(id: string, startSeq: number, em?: EntityManager): Promise<boolean> {
    return affected(await (em ?? this.db).query(
      `UPDATE servers SET status = 'stopped', address = NULL, port = NULL, gameserver_name = NULL, updated_at = now()
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
   * Claims servers whose paid hour has ended. SKIP LOCKED lets several replicas bill in parallel
   * without waiting on each other or on a user's start/stop that holds a row.
   */
  claimDue(em: EntityManager, now: Date, limit: number): Promise<Server[]> {
    return em.getRepository(Server).createQueryBuilder('s')
      .where(`s.status IN ${LIVE}`)
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
