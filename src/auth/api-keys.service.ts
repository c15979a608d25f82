import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ActivityService } from '../activity/activity.service';
import { Actor, hasScope } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { echo, listed } from '../common/echo';
import { Paginated } from '../common/envelope';
import { pageWindow, paginate } from '../common/pagination';
import { queryRows } from '../database/pool-query';
import { UsersService } from '../users/users.service';
import { ApiKey } from './api-key.entity';
import { mintToken, parseToken, secretMatches } from './api-key-token';
import { ApiKeyTouchService } from './api-key-touch.service';
import { ipAllowed, normalizeAllowList } from './ip-allow-list';
import { ApiKeyView, CreateApiKeyInput, CreatedApiKeyView } from './api-keys.types';
import { API_KEYS_PER_USER_MAX, SCOPES } from './scopes';

const unauthenticated = (message: string) => new DomainError(ErrorCode.UNAUTHENTICATED, message);

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly touches: ApiKeyTouchService,
    private readonly activity: ActivityService,
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
    // Every authenticated request runs this lookup: straight on the pool, without a QueryRunner per call.
    const rows = await queryRows<{ secret_hash: string; user_id: string; scopes: string[]; allowed_ips: string[]; expires_at: Date | null; revoked_at: Date | null; discord_id: string }>(
      this.db,
      `SELECT k.secret_hash, k.user_id, k.scopes, k.allowed_ips, k.expires_at, k.revoked_at, u.discord_id
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`, [parsed.id]);
    const key = rows[0];
    if (!key || !secretMatches(parsed.secret, key.secret_hash)) {
      throw unauthenticated('Unknown API key');
    }
    if (key.revoked_at) {
      throw unauthenticated('This API key was revoked');
    }
    if (key.expires_at && key.expires_at.getTime() <= Date.now()) {
      throw unauthenticated('This API key has expired');
    }
    if (!ipAllowed(clientIp, key.allowed_ips)) {
      await this.activity.recordBlockedKey(key.user_id, parsed.id, clientIp ?? 'unknown');
      throw new DomainError(ErrorCode.FORBIDDEN, `This API key may not be used from ${clientIp ?? 'an unknown address'}`);
    }
    this.touches.touch(parsed.id);
    return { userId: key.user_id, discordId: key.discord_id, scopes: key.scopes, via: { kind: 'api-key', keyId: parsed.id, ip: clientIp } };
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
    return this.db.transaction(async (em) => {
      // Lock the owner so concurrent creations cannot exceed the per-user cap.
      await em.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [actor.userId]);
      const [{ count }]: Array<{ count: number }> = await em.query(
        `SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [actor.userId]);
      if (count >= API_KEYS_PER_USER_MAX) {
        throw new DomainError(ErrorCode.LIMIT_REACHED, `You already have ${API_KEYS_PER_USER_MAX} active API keys; revoke one first`);
      }
      const minted = mintToken();
      const saved = await em.getRepository(ApiKey).save(em.getRepository(ApiKey).create({
        id: minted.id, prefix: minted.prefix, secretHash: minted.secretHash, userId: actor.userId, name, scopes, expiresAt, allowedIps,
      }));
      await this.activity.record(em, actor, { action: 'key.created', target: { type: 'api-key', id: minted.id }, details: { name, scopes, allowedIps } });
      return { ...this.toView(saved), key: minted.token };
    });
  }

  async list(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<ApiKeyView>> {
    const { offset, limit } = pageWindow(page);
    const [rows, total] = await this.keys.findAndCount({
      where: { userId: actor.userId }, order: { createdAt: 'DESC', id: 'ASC' }, skip: offset, take: limit,
    });
    return paginate(rows.map((k) => this.toView(k)), total, page);
  }

  /** Revokes one of the actor's keys; someone else's key is "not found". Revoking twice is harmless. */
  async revoke(actor: Actor, keyId: string): Promise<ApiKeyView> {
    // Key ids are 12 lowercase letters or digits; anything else (NUL bytes included) cannot be one.
    const key = /^[a-z0-9]{12}$/.test(keyId) ? await this.keys.findOneBy({ id: keyId, userId: actor.userId }) : null;
    if (!key) {
      throw new DomainError(ErrorCode.API_KEY_NOT_FOUND, `API key ${echo(keyId)} not found`);
    }
    if (!key.revokedAt) {
      await this.db.transaction(async (em) => {
        // Conditional, so two concurrent revokes log one revocation.
        const [, revoked]: [unknown[], number] = await em.query(
          'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [keyId, actor.userId]);
        if (revoked > 0) {
          await this.activity.record(em, actor, { action: 'key.revoked', target: { type: 'api-key', id: keyId }, details: { name: key.name } });
        }
      });
    }
    return this.toView(await this.keys.findOneByOrFail({ id: keyId }));
  }

  /**
   * Operator path (CLI, first-run demo): mint a key with exactly `scopes` for a Discord user, creating the
   * user if needed. Without a username an existing user keeps theirs (a new one is named after their id).
   */
  async mintForDiscordUser(discordId: string, username: string | undefined, scopes: string[], name: string, expiresInDays?: number): Promise<CreatedApiKeyView> {
    if (scopes.length === 0) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Name at least one scope for the key');
    }
    const user = (username === undefined ? await this.users.findByDiscordId(discordId) : null)
      ?? await this.users.ensureUser(discordId, username ?? discordId);
    const operator: Actor = { userId: user.id, discordId, scopes: ['admin'], via: { kind: 'system', name: 'operator' } };
    return this.create(operator, { name, scopes, expiresInDays });
  }

  private toView(k: ApiKey): ApiKeyView {
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
}
