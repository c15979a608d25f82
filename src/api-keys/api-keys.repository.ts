import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/pool-query';
import { Tx } from '../database/transactions';
import { ApiKeyCredentials, ApiKeyRecord, ApiKeyUsageCount, NewApiKey } from './api-keys.types';

interface KeyRow {
  id: string;
  prefix: string;
  user_id: string;
  name: string;
  scopes: string[];
  allowed_ips: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, prefix, user_id, name, scopes, allowed_ips, expires_at, last_used_at, revoked_at, created_at';

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  prefix: r.prefix,
  userId: r.user_id,
  name: r.name,
  scopes: r.scopes,
  allowedIps: r.allowed_ips,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

/** SQL of api_keys. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: DataSource) {}

  /** The key behind a presented token, read on every authenticated request: one statement straight on the pool (see queryRows). */
  async credentialsOf(keyId: string): Promise<ApiKeyCredentials | null> {
    const [row] = await queryRows<{
      secret_hash: string;
      user_id: string;
      scopes: string[];
      allowed_ips: string[];
      expires_at: Date | null;
      revoked_at: Date | null;
    }>(this.db, 'SELECT secret_hash, user_id, scopes, allowed_ips, expires_at, revoked_at FROM api_keys WHERE id = $1', [keyId]);
    return row
      ? {
          secretHash: row.secret_hash,
          userId: row.user_id,
          scopes: row.scopes,
          allowedIps: row.allowed_ips,
          expiresAt: row.expires_at,
          revokedAt: row.revoked_at,
        }
      : null;
  }

  /** Keys of the user that still work (neither revoked nor expired), by the database clock. */
  async countActiveIn(tx: Tx, userId: string): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await tx.query(
      'SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
      [userId],
    );
    return count;
  }

  async insertIn(tx: Tx, key: NewApiKey): Promise<ApiKeyRecord> {
    const rows: KeyRow[] = await tx.query(
      `INSERT INTO api_keys (id, prefix, secret_hash, user_id, name, scopes, allowed_ips, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [key.id, key.prefix, key.secretHash, key.userId, key.name, key.scopes, key.allowedIps, key.expiresAt],
    );
    return toRecord(rows[0]);
  }

  /** One page of the user's keys, newest first. */
  async pageOf(userId: string, offset: number, limit: number): Promise<{ items: ApiKeyRecord[]; total: number }> {
    const [rows, [{ total }]] = (await Promise.all([
      this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id ASC OFFSET $2 LIMIT $3`, [
        userId,
        offset,
        limit,
      ]),
      this.db.query('SELECT count(*)::int AS total FROM api_keys WHERE user_id = $1', [userId]),
    ])) as [KeyRow[], Array<{ total: number }>];
    return { items: rows.map(toRecord), total };
  }

  /** The key if it exists and belongs to the user; someone else's key is indistinguishable from none. */
  async findOwned(keyId: string, userId: string): Promise<ApiKeyRecord | null> {
    const [row]: KeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND user_id = $2`, [keyId, userId]);
    return row ? toRecord(row) : null;
  }

  /** Revokes a live key; conditional, so of two concurrent revokes exactly one gets true. */
  async revokeIn(tx: Tx, keyId: string, userId: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, revoked]: [unknown[], number] = await tx.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [keyId, userId],
    );
    return revoked > 0;
  }

  /** Records when keys were last used, in one statement; a later use already stored is never moved back. */
  async recordUses(uses: ReadonlyArray<{ keyId: string; at: Date }>): Promise<void> {
    await this.db.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, v.used_at)
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, used_at) WHERE k.id = v.id`,
      [uses.map((u) => u.keyId), uses.map((u) => u.at.toISOString())],
    );
  }

  /**
   * Adds buffered per-hour counts, one upsert row per key and hour, in one statement. Counts of a key that no
   * longer exists (its owner was deleted) are dropped rather than failing the batch.
   */
  async addUsage(counts: readonly ApiKeyUsageCount[]): Promise<void> {
    await this.db.query(
      `INSERT INTO api_key_usage AS u (key_id, hour, requests, errors)
       SELECT v.key_id, v.hour, v.requests, v.errors
       FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::bigint[]) AS v(key_id, hour, requests, errors)
       WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = v.key_id)
       ON CONFLICT (key_id, hour) DO UPDATE SET requests = u.requests + EXCLUDED.requests, errors = u.errors + EXCLUDED.errors`,
      [counts.map((c) => c.keyId), counts.map((c) => c.hour.toISOString()), counts.map((c) => c.requests), counts.map((c) => c.errors)],
    );
  }

  /** Forgets hourly counts that started before `before`. */
  async purgeUsageBefore(before: Date): Promise<void> {
    await this.db.query('DELETE FROM api_key_usage WHERE hour < $1', [before.toISOString()]);
  }

  /** A key's requests and errors over the hours starting at or after `since`. */
  async usageSince(keyId: string, since: Date): Promise<{ requests: number; errors: number }> {
    const [row]: Array<{ requests: string; errors: string }> = await this.db.query(
      'SELECT COALESCE(sum(requests), 0) AS requests, COALESCE(sum(errors), 0) AS errors FROM api_key_usage WHERE key_id = $1 AND hour >= $2',
      [keyId, since.toISOString()],
    );
    return { requests: Number(row.requests), errors: Number(row.errors) };
  }
}
