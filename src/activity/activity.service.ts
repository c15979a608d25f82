import { Injectable } from '@nestjs/common';
import * as ipaddr from 'ipaddr.js';
import { Actor } from '../auth/actor';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { Transactions, Tx } from '../database/transactions';
import { ActivityRepository } from './activity.repository';
import { ActivityEntry, ActivityView, NewActivity } from './activity.types';

/** How long one refused (key, address) pair is remembered before another 'key.blocked' entry is written. */
const BLOCKED_ENTRY_WINDOW_SECONDS = 60;

/**
 * The user's log of security-relevant actions. Entries are written inside the transaction of the
 * action they describe (`recordIn`), so the log never shows an action that did not happen (or misses one that did).
 */
@Injectable()
export class ActivityService {
  constructor(
    private readonly repo: ActivityRepository,
    private readonly transactions: Transactions,
  ) {}

  /** Records an entry in the caller's transaction: it commits, or not, with the action it describes. */
  async recordIn(tx: Tx, actor: Actor, entry: ActivityEntry): Promise<void> {
    await this.repo.insertIn(tx, toRow(actor.userId, actor, entry));
  }

  /** Records an entry on its own, for an action that wrote nothing else. */
  async record(actor: Actor, entry: ActivityEntry): Promise<void> {
    await this.repo.insert(toRow(actor.userId, actor, entry));
  }

  /** A key was presented from an address outside its allow-list (no caller transaction: the request is refused). */
  async recordBlockedKey(userId: string, keyId: string, ip: string): Promise<void> {
    const row = toRow(
      userId,
      { via: { kind: 'api-key', keyId, ip } },
      { action: 'key.blocked', target: { type: 'api-key', id: keyId }, details: { ip } },
    );
    await this.transactions.run((tx) => this.repo.insertThrottledIn(tx, row, BLOCKED_ENTRY_WINDOW_SECONDS));
  }

  async list(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ActivityView>> {
    const { offset, limit } = pageWindow(page);
    const { items, total } = await this.repo.pageOf(actor.userId, offset, limit);
    return paginate(
      items.map((r) => ({
        id: r.id,
        action: r.action as ActivityView['action'],
        via: r.via,
        apiKeyId: r.apiKeyId,
        systemName: r.systemName,
        ip: r.ip,
        targetType: r.targetType,
        targetId: r.targetId,
        details: r.details,
        createdAt: r.createdAt.toISOString(),
      })),
      total,
      page,
    );
  }
}

/** IPv4-mapped IPv6 shown as IPv4; anything that is not an address is left out (the column is inet). */
function normalizeIp(ip: string | undefined): string | null {
  return ip && ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : null;
}

function toRow(userId: string, actor: Pick<Actor, 'via'>, entry: ActivityEntry): NewActivity {
  const via = actor.via;
  return {
    userId,
    action: entry.action,
    via: via.kind,
    apiKeyId: via.kind === 'api-key' ? via.keyId : null,
    systemName: via.kind === 'system' ? via.name : null,
    ip: via.kind === 'api-key' ? normalizeIp(via.ip) : null,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    details: entry.details ?? {},
  };
}
