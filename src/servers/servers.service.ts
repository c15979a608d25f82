import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo, truncate } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { CreditsService } from '../credits/credits.service';
import { CreditReason } from '../credits/credits.types';
import { Transactions, Tx } from '../database/transactions';
import { WebhooksService } from '../webhooks/webhooks.service';
import { chargeForStart, startKey } from './billing/billing-clock';
import { GameCatalogService } from './catalog/game-catalog.service';
import { ServerProvisioner, StartPlan } from './lifecycle/server-provisioner.service';
import { allowedFrom, canApply, ServerAction } from './lifecycle/server-status';
import { ServersRepository } from './servers.repository';
import {
  CreateServerInput,
  DeletedServerView,
  ListServersInput,
  LOG_LINE_MAX,
  LOG_TAIL_DEFAULT,
  LOG_TAIL_MAX,
  Server,
  SERVER_NAME_MAX,
  SERVER_NAME_PATTERN,
  ServerActionView,
  ServerLogsView,
  SERVERS_PER_USER_MAX,
  ServerView,
  StopReason,
  toServerView,
} from './servers.types';

/**
 * Every rule about a user's servers. Each state change locks the server row, checks the transition
 * and moves the money in one transaction; Agones is called after the commit (ServerProvisioner).
 */
@Injectable()
export class ServersService {
  constructor(
    private readonly transactions: Transactions,
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
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `name must be 1-${SERVER_NAME_MAX} letters, digits, spaces, dots, dashes or underscores`, [
        { field: 'name', messages: ['invalid server name'] },
      ]);
    }
    const game = this.catalog.require(input.gameType);
    const start = input.start ?? true;
    let plan: StartPlan | undefined;
    const serverId = await this.transactions.run(async (tx) => {
      await this.servers.lockOwner(tx, actor.userId);
      if ((await this.servers.countOwned(tx, actor.userId)) >= SERVERS_PER_USER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `You already have ${SERVERS_PER_USER_MAX} servers; delete one first`);
      }
      const server = await this.servers.insert(tx, {
        ownerId: actor.userId,
        name,
        gameType: game.key,
        status: start ? 'creating' : 'stopped',
        costPerHour: game.hourlyCost,
      });
      if (!server) {
        throw new DomainError(ErrorCode.CONFLICT, `You already have a server named "${name}"`, { field: 'name' });
      }
      if (start) {
        plan = await this.beginStart(tx, server, { removeOnFailure: true });
      }
      await this.activity.recordIn(tx, actor, {
        action: 'server.created',
        target: { type: 'server', id: server.id },
        details: { name, gameType: game.key, start },
      });
      await this.webhooks.enqueueIn(tx, actor.userId, 'server.created', { server: toServerView((await this.servers.findIn(tx, server.id))!) });
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
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `tail must be a whole number from 1 to ${LOG_TAIL_MAX}`, [
        { field: 'tail', messages: ['out of range'] },
      ]);
    }
    const s = await this.owned(actor, serverId);
    const lines = s.gameserverName ? await this.provisioner.logsOf(s.gameserverName, tail) : [];
    return { serverId: s.id, status: s.status, lines: lines.map((l) => truncate(l, LOG_LINE_MAX)) };
  }

  /** stopped/error → starting; pays the next hour unless a paid hour is still running. */
  async start(actor: Actor, serverId: string): Promise<ServerActionView> {
    const plan = await this.transactions.run(async (tx) => {
      const s = await this.lockFor(tx, actor, serverId, 'start');
      await this.recordPower(tx, actor, s, 'server.start');
      return this.beginStart(tx, s, { removeOnFailure: false });
    });
    await this.provisioner.provision(plan);
    return this.actionView(serverId, 'running');
  }

  /** creating/starting/running → stopping → stopped. The started hour is not refunded. */
  async stop(actor: Actor, serverId: string): Promise<ServerActionView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, actor, serverId, 'stop');
      await this.recordPower(tx, actor, locked, 'server.stop');
      await this.servers.beginStop(tx, locked.id, stopReasonOf(actor));
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
    const { s, seq } = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, actor, serverId, 'restart');
      await this.recordPower(tx, actor, locked, 'server.restart');
      const next = locked.startSeq + 1;
      // The paid hour carries on: billed_until stays as the locked row has it.
      await this.servers.beginStart(tx, locked.id, { status: 'starting', startSeq: next, startCharged: false, billedUntil: locked.billedUntil });
      return { s: locked, seq: next };
    });
    await this.provisioner.provision({
      serverId: s.id,
      ownerId: s.ownerId,
      gameType: s.gameType,
      startSeq: seq,
      staleGameServer: s.gameserverName,
      removeOnFailure: false,
    });
    return this.actionView(serverId, 'running');
  }

  /** Stops the server if it runs, then removes the record. The started hour is not refunded. */
  async delete(actor: Actor, serverId: string): Promise<DeletedServerView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, actor, serverId, 'delete');
      await this.recordPower(tx, actor, locked, 'server.delete');
      await this.servers.beginDelete(tx, locked.id);
      return locked;
    });
    await this.provisioner.release(s, 'removed');
    return { id: serverId, deleted: true };
  }

  /** The activity entry of a power action, committed with the state change it describes. */
  private recordPower(tx: Tx, actor: Actor, s: Server, action: 'server.start' | 'server.stop' | 'server.restart' | 'server.delete'): Promise<void> {
    return this.activity.recordIn(tx, actor, { action, target: { type: 'server', id: s.id }, details: { name: s.name, from: s.status } });
  }

  /** Inside the caller's transaction: takes the next start sequence and pays for it if needed. */
  private async beginStart(tx: Tx, s: Server, opts: { removeOnFailure: boolean }): Promise<StartPlan> {
    const startSeq = s.startSeq + 1;
    const { charge, billedUntil } = chargeForStart(s.billedUntil, new Date());
    if (charge) {
      await this.credits.spendIn(tx, s.ownerId, s.costPerHour, CreditReason.SERVER_HOUR, {
        reference: s.id,
        idempotencyKey: startKey(s.id, startSeq),
      });
    }
    await this.servers.beginStart(tx, s.id, {
      status: s.status === 'creating' ? 'creating' : 'starting',
      startSeq,
      startCharged: charge,
      billedUntil,
    });
    return {
      serverId: s.id,
      ownerId: s.ownerId,
      gameType: s.gameType,
      startSeq,
      staleGameServer: s.gameserverName ?? null,
      removeOnFailure: opts.removeOnFailure,
    };
  }

  /** The actor's server, or SERVER_NOT_FOUND (also for someone else's: ids are not confirmed to strangers). */
  private async owned(actor: Actor, serverId: string): Promise<Server> {
    const s = isUuid(serverId) ? await this.servers.findById(serverId) : null;
    if (!s || s.ownerId !== actor.userId) {
      throw notFound(serverId);
    }
    return s;
  }

  /** Locks one of the actor's servers and checks the action is allowed from its status. */
  private async lockFor(tx: Tx, actor: Actor, serverId: string, action: ServerAction): Promise<Server> {
    const s = isUuid(serverId) ? await this.servers.lock(tx, serverId) : null;
    if (!s || s.ownerId !== actor.userId) {
      throw notFound(serverId);
    }
    if (!canApply(action, s.status)) {
      throw new DomainError(ErrorCode.INVALID_TRANSITION, `Cannot ${action} a server that is ${s.status}`, {
        action,
        status: s.status,
        allowedFrom: allowedFrom(action),
      });
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

function notFound(serverId: string): DomainError {
  return new DomainError(ErrorCode.SERVER_NOT_FOUND, `Server ${echo(serverId)} not found`);
}
