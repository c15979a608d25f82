import { Injectable } from '@nestjs/common';
import * as ipaddr from 'ipaddr.js';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { ActivityRepository, ActivityRow } from './activity.repository';
import { ActivityEntry, ActivityView } from './activity.types';

/** How long one refused (key, address) pair is remembered before another 'key.blocked' entry is written. */
const BLOCKED_ENTRY_WINDOW_SECONDS = 60;

/**
 * The user's log of security-relevant actions. Entries are written inside the transaction of the
 * action they describe, so the log never shows an action that did not happen (or misses one that did).
 */
@Injectable()
export class ActivityService {
  constructor(private readonly repo: ActivityRepository) {}

  async record(em: EntityManager, actor: Actor, entry: ActivityEntry): Promise<void> {
    await this.repo.insert(em, toRow(actor.userId, actor, entry));
  }

  /** A key was presented from an address outside its allow-list (no transaction: the request is refused). */
  async recordBlockedKey(userId: string, keyId: string, ip: string): Promise<void> {
    await this.repo.insertThrottled(toRow(userId, { via: { kind: 'api-key', keyId, ip } }, {
      action: 'key.blocked', target: { type: 'api-key', id: keyId }, details: { ip },
    }), BLOCKED_ENTRY_WINDOW_SECONDS);
  }

  async list(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ActivityView>> {
    const { offset, limit } = pageWindow(page);
    const { rows, total } = await this.repo.listForUser(actor.userId, offset, limit);
    return paginate(rows.map((r) => ({
      id: r.id, action: r.action as ActivityView['action'], via: r.via, apiKeyId: r.api_key_id, systemName: r.system_name, ip: r.ip,
      targetType: r.target_type, targetId: r.target_id, details: r.details, createdAt: r.created_at.toISOString(),
    })), total, page);
  }
}

/** IPv4-mapped IPv6 shown as IPv4; anything that is not an address is left out (the column is inet). */
function normalizeIp(ip: string | undefined): string | null {
  return ip && ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : null;
}

function toRow(userId: string, actor: Pick<Actor, 'via'>, entry: ActivityEntry): ActivityRow {
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
