import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { ActivityView } from '../activity/activity.types';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo } from '../common/values/echo';
import { isUuid } from '../common/values/uuid';
import { CreditsService } from '../credits/credits.service';
import { Transactions, Tx } from '../database/transactions';
import { EventsService } from '../events/events.service';
import { STAFF_NOTICE_EVENT, StaffNotice } from '../events/events.types';
import { canApply } from '../servers/lifecycle/server-status';
import { ServersService } from '../servers/servers.service';
import { DeletedServerView, Server, ServerActionView } from '../servers/servers.types';
import { UsersService } from '../users/users.service';
import { UserAccount, UserRecord } from '../users/users.types';
import {
  ADMIN_SEARCH_MAX,
  AdminServerView,
  AdminUserView,
  CREDIT_ADJUST_MAX,
  CreditAdjustmentView,
  STAFF_ADJUSTMENT_REASON,
  STAFF_REASON_MAX,
  SuspensionView,
} from './admin.types';

type Page = { page?: number; perPage?: number };

/**
 * What staff may do to anyone's servers and accounts. Every method takes the staff actor first and checks it
 * holds `admin` (REST: the key's scope; Discord: AdminCommands grants it only to a member of ADMIN_ROLE_IDS in
 * STAFF_GUILD_ID). Every action writes the staff member's activity log with its reason, in its transaction.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly users: UsersService,
    private readonly credits: CreditsService,
    private readonly activity: ActivityService,
    private readonly events: EventsService,
  ) {}

  searchServers(staff: Actor, search: string | undefined, page: Page): Promise<Paginated<AdminServerView>> {
    requireStaff(staff);
    return this.servers.searchAll(searchTerm(search), page);
  }

  async searchUsers(staff: Actor, search: string | undefined, page: Page): Promise<Paginated<AdminUserView>> {
    requireStaff(staff);
    const { offset, limit } = pageWindow(page);
    const { items, total } = await this.users.search(searchTerm(search), offset, limit);
    return paginate(items.map(toAdminUserView), total, page);
  }

  /** Stops anyone's server; the owner gets a direct message with the reason. */
  stopServer(staff: Actor, serverId: string, reason: string): Promise<ServerActionView> {
    requireStaff(staff);
    const why = reasonOf(reason);
    return this.servers.stopAsStaff(staff, serverId, (tx, s) => this.recordServerAction(tx, staff, s, 'server.stop', why));
  }

  /** Deletes anyone's server (stopping it first); the owner gets a direct message with the reason. */
  deleteServer(staff: Actor, serverId: string, reason: string): Promise<DeletedServerView> {
    requireStaff(staff);
    const why = reasonOf(reason);
    return this.servers.deleteAsStaff(staff, serverId, (tx, s) => this.recordServerAction(tx, staff, s, 'server.delete', why));
  }

  /** Grants (amount > 0) or takes (amount < 0) GC through the ledger; taking more than the balance is INSUFFICIENT_CREDITS (422). */
  async adjustCredits(staff: Actor, target: string, amount: number, reason: string): Promise<CreditAdjustmentView> {
    requireStaff(staff);
    const why = reasonOf(reason);
    if (!Number.isInteger(amount) || amount === 0 || Math.abs(amount) > CREDIT_ADJUST_MAX) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `amount must be a whole number of GC from -${CREDIT_ADJUST_MAX} to ${CREDIT_ADJUST_MAX}, not 0`,
        [{ field: 'amount', messages: ['out of range'] }],
      );
    }
    const user = await this.userOf(target);
    const entry = await this.transactions.run(async (tx) => {
      const moved =
        amount > 0
          ? await this.credits.grantIn(tx, user.id, amount, STAFF_ADJUSTMENT_REASON, { reference: staff.userId })
          : await this.credits.spendIn(tx, user.id, -amount, STAFF_ADJUSTMENT_REASON, { reference: staff.userId });
      await this.activity.recordIn(tx, staff, {
        action: 'admin.credits_adjusted',
        target: { type: 'user', id: user.id },
        details: { amount, balanceAfter: moved.balanceAfter, reason: why, username: user.username },
      });
      return moved;
    });
    return { userId: user.id, amount, balance: entry.balanceAfter, reason: why };
  }

  /**
   * Suspends a user: their API keys and Discord commands are refused (UsersService.suspensionOf) and their running
   * servers are stopped. Suspending a suspended user is a CONFLICT (409) that changes nothing.
   */
  async suspend(staff: Actor, target: string, reason: string): Promise<SuspensionView> {
    requireStaff(staff);
    const why = reasonOf(reason);
    const user = await this.userOf(target);
    if (user.id === staff.userId) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Staff cannot suspend themselves');
    }
    await this.transactions.run(async (tx) => {
      if (!(await this.users.suspendIn(tx, user.id, why))) {
        throw new DomainError(ErrorCode.CONFLICT, `${echo(user.username)} is already suspended`, { suspended: true });
      }
      await this.activity.recordIn(tx, staff, {
        action: 'admin.user_suspended',
        target: { type: 'user', id: user.id },
        details: { reason: why, username: user.username },
      });
    });
    this.users.forgetSuspension(user.id);
    let stopped = 0;
    for (const s of await this.runningServersOf(user.id)) {
      try {
        await this.stopServer(staff, s.id, `Account suspended: ${why}`);
        stopped += 1;
      } catch (err) {
        // Stopped (or deleted) by someone else meanwhile: it is not running either way.
        if (!(err instanceof DomainError && (err.code === ErrorCode.INVALID_TRANSITION || err.code === ErrorCode.SERVER_NOT_FOUND))) {
          throw err;
        }
      }
    }
    return { userId: user.id, suspended: true, reason: why, serversStopped: stopped };
  }

  /** Lifts a suspension; a user who is not suspended is a CONFLICT (409). Stopped servers stay stopped. */
  async unsuspend(staff: Actor, target: string, reason: string): Promise<SuspensionView> {
    requireStaff(staff);
    const why = reasonOf(reason);
    const user = await this.userOf(target);
    await this.transactions.run(async (tx) => {
      if (!(await this.users.unsuspendIn(tx, user.id))) {
        throw new DomainError(ErrorCode.CONFLICT, `${echo(user.username)} is not suspended`, { suspended: false });
      }
      await this.activity.recordIn(tx, staff, {
        action: 'admin.user_unsuspended',
        target: { type: 'user', id: user.id },
        details: { reason: why, username: user.username },
      });
    });
    this.users.forgetSuspension(user.id);
    return { userId: user.id, suspended: false, reason: null, serversStopped: 0 };
  }

  /** Any user's activity log, newest first. */
  async activityOf(staff: Actor, target: string, page: Page): Promise<Paginated<ActivityView>> {
    requireStaff(staff);
    const user = await this.userOf(target);
    // ActivityService lists the log of the actor it is given: here, the user staff look at.
    return this.activity.list({ ...staff, userId: user.id }, page);
  }

  /** The staff's own entry and the owner's notice, in the transaction that stops or deletes the server. */
  private async recordServerAction(tx: Tx, staff: Actor, s: Server, action: StaffNotice['action'], reason: string): Promise<void> {
    await this.activity.recordIn(tx, staff, {
      action: action === 'server.stop' ? 'admin.server_stopped' : 'admin.server_deleted',
      target: { type: 'server', id: s.id },
      details: { reason, ownerId: s.ownerId, name: s.name, from: s.status },
    });
    const notice: StaffNotice = { action, serverId: s.id, serverName: s.name, reason };
    await this.events.recordIn(tx, s.ownerId, STAFF_NOTICE_EVENT, { staff: notice });
  }

  private async runningServersOf(userId: string): Promise<AdminServerView[]> {
    const found: AdminServerView[] = [];
    for (let page = 1; ; page += 1) {
      const batch = await this.servers.searchAll(userId, { page, perPage: 100 });
      found.push(...batch.items.filter((s) => s.ownerId === userId && canApply('stop', s.status)));
      if (page >= batch.meta.totalPages) {
        return found;
      }
    }
  }

  /** A user by agis id or Discord id. */
  private async userOf(target: string): Promise<UserRecord> {
    const user = isUuid(target) ? await this.users.findById(target).catch(() => null) : await this.users.findByDiscordId(target);
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, `User ${echo(target)} not found`);
    }
    return user;
  }
}

/** REST staff hold the `admin` scope (the route checks it too); Discord staff are given it by AdminCommands. */
function requireStaff(actor: Actor): void {
  if (!actor.scopes.includes('admin')) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only agis staff may do this');
  }
}

function reasonOf(reason: string): string {
  const why = reason.trim();
  if (!why || why.length > STAFF_REASON_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `reason must be 1-${STAFF_REASON_MAX} characters`, [
      { field: 'reason', messages: ['required'] },
    ]);
  }
  return why;
}

function searchTerm(search: string | undefined): string | undefined {
  const term = search?.trim();
  if (term && term.length > ADMIN_SEARCH_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `search must be at most ${ADMIN_SEARCH_MAX} characters`, [
      { field: 'search', messages: ['too long'] },
    ]);
  }
  return term || undefined;
}

function toAdminUserView(u: UserAccount): AdminUserView {
  return {
    id: u.id,
    discordId: u.discordId,
    username: u.username,
    credits: u.credits,
    wtgCoins: u.wtgCoins,
    tier: u.tier,
    suspendedAt: u.suspendedAt?.toISOString() ?? null,
    suspendedReason: u.suspendedReason,
    createdAt: u.createdAt.toISOString(),
  };
}
