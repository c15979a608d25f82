import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { echo, truncate } from '../common/echo';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { CreditsService } from '../credits/credits.service';
import { CreditReason } from '../credits/credits.types';
import { chargeForStart, startKey } from './billing-clock';
import { WebhooksService } from '../webhooks/webhooks.service';
import { GameCatalogService } from './game-catalog.service';
import { Server } from './server.entity';
import { StartPlan, ServerProvisioner } from './server-provisioner.service';
import { allowedFrom, canApply, ServerAction } from './server-status';
import { ServersRepository } from './servers.repository';
import {
  CreateServerInput, DeletedServerView, ListServersInput, SERVER_NAME_MAX, SERVER_NAME_PATTERN, ServerActionView, ServerView,
  LOG_LINE_MAX, LOG_TAIL_DEFAULT, LOG_TAIL_MAX, ServerLogsView, SERVERS_PER_USER_MAX, StopReason, toServerView,
} from './servers.types';
import { isUuid } from '../common/uuid';

const UNIQUE_VIOLATION = '23505';

/**
 * Every rule about a user's servers. Each state change locks the server row, checks the transition
 * and moves the money in one transaction; Agones is called after the commit (ServerProvisioner).
 */
@Injectable()
export class ServersService {
  constructor(
    private readonly db: DataSource,
    private readonly servers: ServersRepository,
    private readonly credits: CreditsService,
    private readonly catalog: GameCatalogService,
    private readonly provisioner: ServerProvisioner,
    private readonly activity: ActivityService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Creates a server and, unless `start` is false, starts it (charging the first hour). */
  async create(actor: Actor, input: CreateServerInput): Promise<ServerView> {
    const name = input.name.trim();
    if (!name || name.length > SERVER_NAME_MAX || !SERVER_NAME_PATTERN.test(name)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `name must be 1-${SERVER_NAME_MAX} letters, digits, spaces, dots, dashes or underscores`,
        [{ field: 'name', messages: ['invalid server name'] }]);
    }
    const game = this.catalog.require(input.gameType);
    const start = input.start ?? true;
    let plan: StartPlan | undefined;
    const serverId = await this.db.transaction(async (em) => {
      // Serialises one owner's creations so the per-user cap holds under concurrency.
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`servers:${actor.userId}`]);
      if ((await this.servers.countOwned(em, actor.userId)) >= SERVERS_PER_USER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `You already have ${SERVERS_PER_USER_MAX} servers; delete one first`);
      }
      const server = await this.insertNamed(em, { ownerId: actor.userId, name, gameType: game.key, status: start ? 'creating' : 'stopped', costPerHour: game.hourlyCost });
      if (start) {
        plan = await this.beginStart(em, server, { removeOnFailure: true });
      }
      await this.activity.record(em, actor, { action: 'server.created', target: { type: 'server', id: server.id }, details: { name, gameType: game.key, start } });
      await this.webhooks.enqueue(em, actor.userId, 'server.created', { server: toServerView(await em.getRepository(Server).findOneByOrFail({ id: server.id })) });
      return server.id;
    });
    if (plan) {
      await this.provisioner.provision(plan);
    }
    return toServerView(await this.reload(serverId));
  }

  async list(actor: Actor, input: ListServersInput): Promise<Paginated<ServerView>> {
    if (input.gameType) {
      this.catalog.require(input.gameType);
    }
    const { offset, limit } = pageWindow(input);
    const [rows, total] = await this.servers.listOwned(actor.userId, { gameType: input.gameType, status: input.status }, offset, limit);
    return paginate(rows.map(toServerView), total, input);
  }

  async get(actor: Actor, serverId: string): Promise<ServerView> {
    return toServerView(await this.owned(actor, serverId));
  }

  /**
   * The last `tail` lines the game wrote (bounded: at most LOG_TAIL_MAX lines of LOG_LINE_MAX characters), from
   * the current GameServer; none while the server has no GameServer.
   */
  async logs(actor: Actor, serverId: string, tail = LOG_TAIL_DEFAULT): Promise<ServerLogsView> {
    if (!Number.isInteger(tail) || tail < 1 || tail > LOG_TAIL_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `tail must be a whole number from 1 to ${LOG_TAIL_MAX}`, [{ field: 'tail', messages: ['out of range'] }]);
    }
    const s = await this.owned(actor, serverId);
    const lines = s.gameserverName ? await this.provisioner.logsOf(s.gameserverName, tail) : [];
    return { serverId: s.id, status: s.status, lines: lines.map((l) => truncate(l, LOG_LINE_MAX)) };
  }

  /** stopped/error → starting; pays the next hour unless a paid hour is still running. */
  async start(actor: Actor, serverId: string): Promise<ServerActionView> {
    const plan = await this.db.transaction(async (em) => {
      const s = await this.lockFor(em, actor, serverId, 'start');
      await this.recordPower(em, actor, s, 'server.start');
      return this.beginStart(em, s, { removeOnFailure: false });
    });
    await this.provisioner.provision(plan);
    return this.actionView(serverId, 'running');
  }

  /** creating/starting/running → stopping → stopped. The started hour is not refunded. */
  async stop(actor: Actor, serverId: string): Promise<ServerActionView> {
    const s = await this.db.transaction(async (em) => {
      const locked = await this.lockFor(em, actor, serverId, 'stop');
      await this.recordPower(em, actor, locked, 'server.stop');
      await this.servers.update(em, locked.id, { status: 'stopping', stopReason: stopReasonOf(actor), startCharged: false });
      return locked;
    });
    await this.provisioner.release(s, 'stopped');
    return this.actionView(serverId, 'stopped');
  }

  /**
   * running → starting with a fresh GameServer. A restart is not a new rental: it keeps billed_until
   * and charges nothing; the billing tick charges the next hour when the paid one ends.
   */
  async restart(actor: Actor, serverId: string): Promise<ServerActionView> {
    const { s, seq } = await this.db.transaction(async (em) => {
      const locked = await this.lockFor(em, actor, serverId, 'restart');
      await this.recordPower(em, actor, locked, 'server.restart');
      const next = locked.startSeq + 1;
      await this.servers.update(em, locked.id, {
        status: 'starting', startSeq: next, startCharged: false, gameserverName: null, ...NOT_PLACED, lastError: null, stopReason: null,
      });
      return { s: locked, seq: next };
    });
    await this.provisioner.provision({
      serverId: s.id, ownerId: s.ownerId, gameType: s.gameType, startSeq: seq, staleGameServer: s.gameserverName, removeOnFailure: false,
    });
    return this.actionView(serverId, 'running');
  }

  /** Stops the server if it runs, then removes the record. The started hour is not refunded. */
  async delete(actor: Actor, serverId: string): Promise<DeletedServerView> {
    const s = await this.db.transaction(async (em) => {
      const locked = await this.lockFor(em, actor, serverId, 'delete');
      await this.recordPower(em, actor, locked, 'server.delete');
      await this.servers.update(em, locked.id, { status: 'deleting', startCharged: false });
      return locked;
    });
    await this.provisioner.release(s, 'removed');
    return { id: serverId, deleted: true };
  }

  /** The activity entry of a power action, committed with the state change it describes. */
  private recordPower(em: EntityManager, actor: Actor, s: Server, action: 'server.start' | 'server.stop' | 'server.restart' | 'server.delete'): Promise<void> {
    return this.activity.record(em, actor, { action, target: { type: 'server', id: s.id }, details: { name: s.name, from: s.status } });
  }

  /** Inside the caller's transaction: takes the next start sequence and pays for it if needed. */
  private async beginStart(em: EntityManager, s: Server, opts: { removeOnFailure: boolean }): Promise<StartPlan> {
    const startSeq = s.startSeq + 1;
    const { charge, billedUntil } = chargeForStart(s.billedUntil, new Date());
    if (charge) {
      await this.credits.spend(s.ownerId, s.costPerHour, CreditReason.SERVER_HOUR, { reference: s.id, idempotencyKey: startKey(s.id, startSeq) }, em);
    }
    await this.servers.update(em, s.id, {
      status: s.status === 'creating' ? 'creating' : 'starting', startSeq, startCharged: charge, billedUntil,
      gameserverName: null, ...NOT_PLACED, lastError: null, stopReason: null,
    });
    return {
      serverId: s.id, ownerId: s.ownerId, gameType: s.gameType, startSeq, staleGameServer: s.gameserverName ?? null, removeOnFailure: opts.removeOnFailure,
    };
  }

  private async insertNamed(em: EntityManager, row: Pick<Server, 'ownerId' | 'name' | 'gameType' | 'status' | 'costPerHour'>): Promise<Server> {
    try {
      return await this.servers.insert(em, row);
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DomainError(ErrorCode.CONFLICT, `You already have a server named "${row.name}"`, { field: 'name' });
      }
      throw err;
    }
  }

  /** Locks one of the actor's servers and checks the action is allowed from its status. */
  /** The actor's server, or SERVER_NOT_FOUND (also for someone else's: ids are not confirmed to strangers). */
  private async owned(actor: Actor, serverId: string): Promise<Server> {
    const s = isUuid(serverId) ? await this.servers.findById(serverId) : null;
    if (!s || s.ownerId !== actor.userId) {
      throw notFound(serverId);
    }
    return s;
  }

  private async lockFor(em: EntityManager, actor: Actor, serverId: string, action: ServerAction): Promise<Server> {
    const s = isUuid(serverId) ? await this.servers.lock(em, serverId) : null;
    if (!s || s.ownerId !== actor.userId) {
      throw notFound(serverId);
    }
    if (!canApply(action, s.status)) {
      throw new DomainError(ErrorCode.INVALID_TRANSITION, `Cannot ${action} a server that is ${s.status}`,
        { action, status: s.status, allowedFrom: allowedFrom(action) });
    }
    return s;
  }

  private async actionView(serverId: string, targetStatus: 'running' | 'stopped'): Promise<ServerActionView> {
    return { ...toServerView(await this.reload(serverId)), targetStatus };
  }

  /** The record after the Agones call; it may be gone if it was deleted meanwhile. */
  private async reload(serverId: string): Promise<Server> {
    const s = await this.servers.findById(serverId);
    if (!s) {
      throw notFound(serverId);
    }
    return s;
  }
}

/** A schedule's stop is told to the owner; their own is not. */
function stopReasonOf(actor: Actor): string {
  return actor.via.kind === 'system' && actor.via.name === 'scheduler' ? StopReason.SCHEDULE : StopReason.USER;
}

/** A server between GameServers: no address, ports, players or start deadline. */
const NOT_PLACED = { address: null, port: null, ports: [], playersOnline: null, playersMax: null, startDeadline: null };

function notFound(serverId: string): DomainError {
  return new DomainError(ErrorCode.SERVER_NOT_FOUND, `Server ${echo(serverId)} not found`);
}
