import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { Actor, hasScope } from '../auth/actor';
import { mintToken, parseToken, secretMatches } from '../auth/api-key-token';
import { Authenticator } from '../auth/authenticator';
import { ipAllowed, normalizeAllowList } from '../auth/ip-allow-list';
import { SCOPES } from '../auth/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { pageWindow, paginate } from '../common/http/pagination';
import { echo, listed } from '../common/values/echo';
import { MembersService } from '../credits/members.service';
import { Transactions } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { ApiKeyTouchService } from './api-key-touch.service';
import { ApiKeysRepository } from './api-keys.repository';
import { API_KEYS_PER_USER_MAX, ApiKeyRecord, ApiKeyUsageView, ApiKeyView, CreateApiKeyInput, CreatedApiKeyView } from './api-keys.types';

const unauthenticated = (message: string) => new DomainError(ErrorCode.UNAUTHENTICATED, message);

@Injectable()
export class ApiKeysService implements Authenticator {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly touches: ApiKeyTouchService,
    private readonly activity: ActivityService,
    private readonly members: MembersService,
  ) {}

  /**
   * Resolves a bearer token to an actor, or throws UNAUTHENTICATED saying why. A valid key used from an
   * address outside its allow-list is FORBIDDEN, and the attempt goes to the owner's activity log.
   */
  async authenticate(authorization: string | undefined, clientIp?: string): Promise<Actor> {
    if (!authorization) {
      throw unauthenticated('Missing API key: send Authorization: Bearer agis_<id>_<secret>');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const parsed = match ? parseToken(match[1]) : null;
    if (!parsed) {
      throw unauthenticated('Malformed API key: expected Authorization: Bearer agis_<id>_<secret>');
    }
    const key = await this.keys.credentialsOf(parsed.id);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) {
      throw unauthenticated('Unknown API key');
    }
    if (key.revokedAt) {
      throw unauthenticated('This API key was revoked');
    }
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
      throw unauthenticated('This API key has expired');
    }
    if (!ipAllowed(clientIp, key.allowedIps)) {
      await this.activity.recordBlockedKey(key.userId, parsed.id, clientIp ?? 'unknown');
      throw new DomainError(ErrorCode.FORBIDDEN, `This API key may not be used from ${clientIp ?? 'an unknown address'}`);
    }
    const suspended = await this.users.suspensionOf(key.userId);
    if (suspended !== null) {
      throw new DomainError(ErrorCode.FORBIDDEN, `Your agis account is suspended by staff: ${suspended}`);
    }
    this.touches.touch(parsed.id, key.userId);
    return { userId: key.userId, scopes: key.scopes, via: { kind: 'api-key', keyId: parsed.id, ip: clientIp } };
  }

  /** Mints a key for the actor; a key can never hold a scope its creator lacks. */
  async create(actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKeyView> {
    const scopes = [...new Set(input.scopes)];
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Unknown scopes: ${listed(unknown)}`);
    }
    const beyond = scopes.filter((s) => !hasScope(actor, s) || (s === 'admin' && !actor.scopes.includes('admin')));
    if (beyond.length) {
      throw new DomainError(ErrorCode.FORBIDDEN, `You cannot grant scopes you do not hold: ${listed(beyond)}`);
    }
    const name = input.name.trim();
    if (!name) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'name must not be blank');
    }
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const allowedIps = normalizeAllowList(input.allowedIps ?? []);
    return this.transactions.run(async (tx) => {
      // Lock the owner so concurrent creations cannot exceed the per-user cap.
      await this.users.lockIn(tx, actor.userId);
      if ((await this.keys.countActiveIn(tx, actor.userId)) >= API_KEYS_PER_USER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `You already have ${API_KEYS_PER_USER_MAX} active API keys; revoke one first`);
      }
      const minted = mintToken();
      const saved = await this.keys.insertIn(tx, {
        id: minted.id,
        prefix: minted.prefix,
        secretHash: minted.secretHash,
        userId: actor.userId,
        name,
        scopes,
        expiresAt,
        allowedIps,
      });
      await this.activity.recordIn(tx, actor, {
        action: 'key.created',
        target: { type: 'api-key', id: minted.id },
        details: { name, scopes, allowedIps },
      });
      return { ...toView(saved), key: minted.token };
    });
  }

  async list(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ApiKeyView>> {
    const { offset, limit } = pageWindow(page);
    const { items, total } = await this.keys.pageOf(actor.userId, offset, limit);
    return paginate(items.map(toView), total, page);
  }

  /** Revokes one of the actor's keys; someone else's key is "not found". Revoking twice is harmless. */
  async revoke(actor: Actor, keyId: string): Promise<ApiKeyView> {
    // Key ids are 12 lowercase letters or digits; anything else (NUL bytes included) cannot be one.
    const key = /^[a-z0-9]{12}$/.test(keyId) ? await this.keys.findOwned(keyId, actor.userId) : null;
    if (!key) {
      throw new DomainError(ErrorCode.API_KEY_NOT_FOUND, `API key ${echo(keyId)} not found`);
    }
    if (!key.revokedAt) {
      await this.transactions.run(async (tx) => {
        // Only the revoke that changed the row logs it, so two concurrent revokes log one revocation.
        if (await this.keys.revokeIn(tx, keyId, actor.userId)) {
          await this.activity.recordIn(tx, actor, { action: 'key.revoked', target: { type: 'api-key', id: keyId }, details: { name: key.name } });
        }
      });
    }
    const revoked = await this.keys.findOwned(keyId, actor.userId);
    if (!revoked) {
      throw new DomainError(ErrorCode.API_KEY_NOT_FOUND, `API key ${echo(keyId)} not found`);
    }
    return toView(revoked);
  }

  /**
   * One of the actor's keys' requests and errors over the last 24 h and 7 d (whole hours: the current one and
   * those before it), as flushed so far (API_KEY_TOUCH_INTERVAL_MS behind at most). Someone else's key is "not found".
   */
  async usage(actor: Actor, keyId: string): Promise<ApiKeyUsageView> {
    const key = /^[a-z0-9]{12}$/.test(keyId) ? await this.keys.findOwned(keyId, actor.userId) : null;
    if (!key) {
      throw new DomainError(ErrorCode.API_KEY_NOT_FOUND, `API key ${echo(keyId)} not found`);
    }
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const window = async (hours: number) => {
      const since = new Date(hour - (hours - 1) * 3_600_000);
      return { since: since.toISOString(), ...(await this.keys.usageSince(keyId, since)) };
    };
    return { keyId, last24h: await window(24), last7d: await window(24 * 7) };
  }

  /**
   * Operator path (CLI, first-run demo): mint a key with exactly `scopes` for a Discord user, creating the
   * user if needed (a new member, with the starting balance). Without a username an existing user keeps
   * theirs (a new one is named after their id).
   */
  async mintForDiscordUser(
    discordId: string,
    username: string | undefined,
    scopes: string[],
    name: string,
    expiresInDays?: number,
  ): Promise<CreatedApiKeyView> {
    if (scopes.length === 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Name at least one scope for the key');
    }
    const user =
      (username === undefined ? await this.users.findByDiscordId(discordId) : null) ??
      (await this.members.ensureMember(discordId, username ?? discordId));
    const operator: Actor = { userId: user.id, scopes: ['admin'], via: { kind: 'system', name: 'operator' } };
    return this.create(operator, { name, scopes, expiresInDays });
  }
}

function toView(k: ApiKeyRecord): ApiKeyView {
  const expired = k.expiresAt !== null && k.expiresAt.getTime() <= Date.now();
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    scopes: k.scopes,
    allowedIps: k.allowedIps,
    status: k.revokedAt ? 'revoked' : expired ? 'expired' : 'active',
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
