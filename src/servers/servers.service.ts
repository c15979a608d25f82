import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo, truncate } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { CreditReason } from '../credits/credits.types';
import { Transactions, Tx } from '../database/transactions';
import { WebhooksService } from '../webhooks/webhooks.service';
import { chargeForStart, startKey } from './billing/billing-clock';
import { ServerPayer } from './billing/server-payer.service';
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
    private readonly payer: ServerPayer,
    private readonly catalog: GameCatalogService,
    private readonly provisioner: ServerProvisioner,
    private readonly activity: ActivityService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Creates a server and, unless `start` is false, starts it (charging the first hour). */
  create(actor: Actor, input: CreateServerInput): Promise<ServerView> {
    return this.createPaidBy(actor, input, null);
  }

  /**
   * Creates a server paid from the guild's treasury (the first hour too), for one of its managers: the caller
   * (GuildsService) checked the manager. Guild servers count towards the guild's cap, not the manager's.
   */
  createForGuild(manager: Actor, guildId: string, input: CreateServerInput): Promise<ServerView> {
    return this.createPaidBy(manager, input, guildId);
  }

  /** A page of the guild's servers, newest first. */
  async listOfGuild(guildId: string, page: { page?: number; perPage?: number }): Promise<Paginated<ServerView>> {
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.servers.listOfGuild(guildId, offset, limit);
    return paginate(rows.map(toServerView), total, page);
  }

  /** A guild manager's start, stop or delete of one of the guild's servers (the caller checked the manager); the treasury pays. */
  async controlInGuild(
    manager: Actor,
    guildId: string,
    serverId: string,
    action: 'start' | 'stop' | 'delete',
  ): Promise<ServerActionView | DeletedServerView> {
    // The guild's servers only: anyone else's id is "not found", as for a stranger's server.
    const scope = { guildId };
    return action === 'start'
      ? this.startIn(manager, serverId, scope)
      : action === 'stop'
        ? this.stopIn(manager, serverId, scope)
        : this.deleteIn(manager, serverId, scope);
  }

  private async createPaidBy(actor: Actor, input: CreateServerInput, guildId: string | null): Promise<ServerView> {
    const name = input.name.trim();
    if (!name || name.length > SERVER_NAME_MAX || !SERVER_NAME_PATTERN.test(name)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `name must be 1-${SERVER_NAME_MAX} letters, digits, spaces, dots, dashes or underscores`, [
        { field: 'name', messages: ['invalid server name'] },
      ]);
    }
    const game = this.catalog.requireOffered(input.gameType);
    const start = input.start ?? true;
    let plan: StartPlan | undefined;
    const serverId = await this.transactions.run(async (tx) => {
      await this.servers.lockOwner(tx, guildId ? `guild:${guildId}` : actor.userId);
      if ((guildId ? await this.servers.countOfGuild(tx, guildId) : await this.servers.countOwned(tx, actor.userId)) >= SERVERS_PER_USER_MAX) {
        throw new DomainError(
          ErrorCode.LIMIT_REACHED,
          `${guildId ? 'This guild already has' : 'You already have'} ${SERVERS_PER_USER_MAX} servers; delete one first`,
        );
      }
      const server = await this.servers.insert(tx, {
        ownerId: actor.userId,
        name,
        gameType: game.key,
        status: start ? 'creating' : 'stopped',
        costPerHour: game.hourlyCost,
        guildId,
      });
      if (!server) {
        throw new DomainError(ErrorCode.CONFLICT, `${guildId ? 'This guild already has' : 'You already have'} a server named "${name}"`, {
          field: 'name',
        });
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
  start(actor: Actor, serverId: string): Promise<ServerActionView> {
    return this.startIn(actor, serverId, false);
  }

  private async startIn(actor: Actor, serverId: string, scope: Scope): Promise<ServerActionView> {
    const plan = await this.transactions.run(async (tx) => {
      const s = await this.lockFor(tx, actor, serverId, 'start', scope);
      await this.recordPower(tx, actor, s, 'server.start');
      return this.beginStart(tx, s, { removeOnFailure: false });
    });
    await this.provisioner.provision(plan);
    return this.actionView(serverId, 'running');
  }

  /** creating/starting/running → stopping → stopped. The started hour is not refunded. */
  stop(actor: Actor, serverId: string): Promise<ServerActionView> {
    return this.stopIn(actor, serverId, false);
  }

  private async stopIn(actor: Actor, serverId: string, scope: Scope): Promise<ServerActionView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, actor, serverId, 'stop', scope);
      await this.recordPower(tx, actor, locked, 'server.stop');
      await this.servers.beginStop(tx, locked.id, stopReasonOf(actor));
      return locked;
    });
    const stopped = await this.provisioner.release(s, 'stopped');
    return { ...toServerView(stopped ?? (await this.reload(serverId))), targetStatus: 'stopped' };
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
  delete(actor: Actor, serverId: string): Promise<DeletedServerView> {
    return this.deleteIn(actor, serverId, false);
  }

  private async deleteIn(actor: Actor, serverId: string, scope: Scope): Promise<DeletedServerView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, actor, serverId, 'delete', scope);
      await this.recordPower(tx, actor, locked, 'server.delete');
      await this.servers.beginDelete(tx, locked.id);
      return locked;
    });
    await this.provisioner.release(s, 'removed');
    return { id: serverId, deleted: true };
  }

  /**
   * Staff: stops anyone's server (the caller checked the staff member). `alsoIn` writes what staff owe the owner
   * (their notice, the staff's activity entry) in the same transaction. Two staff at once: the second gets
   * INVALID_TRANSITION (409) with the status the first one left.
   */
  async stopAsStaff(staff: Actor, serverId: string, alsoIn: (tx: Tx, s: Server) => Promise<void>): Promise<ServerActionView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, staff, serverId, 'stop', true);
      await alsoIn(tx, locked);
      await this.servers.beginStop(tx, locked.id, StopReason.STAFF);
      return locked;
    });
    await this.provisioner.release(s, 'stopped');
    return this.actionView(serverId, 'stopped');
  }

  /** Staff: deletes anyone's server, like stopAsStaff. */
  async deleteAsStaff(staff: Actor, serverId: string, alsoIn: (tx: Tx, s: Server) => Promise<void>): Promise<DeletedServerView> {
    const s = await this.transactions.run(async (tx) => {
      const locked = await this.lockFor(tx, staff, serverId, 'delete', true);
      await alsoIn(tx, locked);
      await this.servers.beginDelete(tx, locked.id);
      return locked;
    });
    await this.provisioner.release(s, 'removed');
    return { id: serverId, deleted: true };
  }

  /** Staff: every server whose name contains `search` (or whose id or owner id it is), newest first. */
  async searchAll(search: string | undefined, page: { page?: number; perPage?: number }): Promise<Paginated<ServerView & { ownerId: string }>> {
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.servers.searchAll(search, offset, limit);
    return paginate(
      rows.map((s) => ({ ...toServerView(s), ownerId: s.ownerId })),
      total,
      page,
    );
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
      // The hour is paid at the catalog's price now (staff may have changed it since the last hour).
      const price = this.catalog.priceOf(s.gameType) ?? s.costPerHour;
      await this.payer.spendIn(tx, s, price, CreditReason.SERVER_HOUR, {
        reference: s.id,
        idempotencyKey: startKey(s.id, startSeq),
      });
      await this.servers.recordHourPriceIn(tx, s.id, price);
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
    // A guild's server is the guild's (GuildsService), not its creator's own.
    if (!s || s.ownerId !== actor.userId || s.guildId) {
      throw notFound(serverId);
    }
    return s;
  }

  /** Locks one of the actor's servers and checks the action is allowed from its status. */
  private async lockFor(tx: Tx, actor: Actor, serverId: string, action: ServerAction, anyOwner: Scope = false): Promise<Server> {
    const s = isUuid(serverId) ? await this.servers.lock(tx, serverId) : null;
    if (!s || !mayAct(actor, s, anyOwner)) {
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

/** Whose servers a call may act on: the actor's own personal ones (false), any (true: staff), or one guild's. */
type Scope = boolean | { guildId: string };

function mayAct(actor: Actor, s: Server, scope: Scope): boolean {
  if (scope === true) {
    return true;
  }
  return scope ? s.guildId === scope.guildId : s.ownerId === actor.userId && !s.guildId;
}

/** A schedule's stop is told to the owner; their own is not. */
function stopReasonOf(actor: Actor): string {
  return actor.via.kind === 'system' && actor.via.name === 'scheduler' ? StopReason.SCHEDULE : StopReason.USER;
}

export function notFound(serverId: string): DomainError {
  return new DomainError(ErrorCode.SERVER_NOT_FOUND, `Server ${echo(serverId)} not found`);
}
