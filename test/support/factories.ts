import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { USER_SCOPES } from '../../src/auth/scopes';
import { CreditsService } from '../../src/credits/credits.service';
import { TestApp } from './test-app';

let seq = 0;
export function snowflake(): string {
  seq += 1;
  return `${200000000000000000n + BigInt(randomInt(1, 1_000_000_000)) * 1000n + BigInt(seq % 1000)}`;
}

export interface TestUser { userId: string; discordId: string; key: string; auth: { Authorization: string } }

/** A user with one API key (all user scopes unless given) and, optionally, a starting balance. */
export async function createUser(t: TestApp, opts: { scopes?: string[]; credits?: number; wtgCoins?: number; tier?: 'free' | 'premium'; username?: string } = {}): Promise<TestUser> {
  const discordId = snowflake();
  const created = await t.app.get(ApiKeysService).mintForDiscordUser(discordId, opts.username ?? `user${seq}`, opts.scopes ?? [...USER_SCOPES], 'test');
  const db = t.app.get(DataSource);
  const [{ id }]: Array<{ id: string }> = await db.query('SELECT id FROM users WHERE discord_id = $1', [discordId]);
  if (opts.tier) {
    await db.query('UPDATE users SET tier = $2 WHERE id = $1', [id, opts.tier]);
  }
  // The opening balance goes through the ledger so that balance == sum of ledger rows holds in every test.
  if (opts.credits) {
    await t.app.get(CreditsService).grant(id, opts.credits, 'test_grant');
  }
  await setBalances(db, id, { wtgCoins: opts.wtgCoins });
  return { userId: id, discordId, key: created.key, auth: { Authorization: `Bearer ${created.key}` } };
}

/** Test-only: writes balances directly (the ledger module adds a matching opening row when present). */
export async function setBalances(db: DataSource, userId: string, opts: { credits?: number; wtgCoins?: number }): Promise<void> {
  if (opts.credits !== undefined) {
    await db.query('UPDATE users SET credits = $2 WHERE id = $1', [userId, opts.credits]);
  }
  if (opts.wtgCoins !== undefined) {
    await db.query('UPDATE users SET wtg_coins = $2 WHERE id = $1', [userId, opts.wtgCoins]);
  }
}

/** The error envelope a test expects, in one place. */
export function errorEnvelope(code: string, message?: string | RegExp): unknown {
  return expect.objectContaining({
    success: false,
    error: expect.objectContaining({ code, ...(message ? { message: typeof message === 'string' ? message : expect.stringMatching(message) } : {}) }),
  });
}
