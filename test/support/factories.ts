import { randomInt } from 'node:crypto';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { USER_SCOPES } from '../../src/auth/scopes';
import { CreditsService } from '../../src/credits/credits.service';
import { WtgLedgerService } from '../../src/credits/wtg-ledger.service';
import { type TestApp } from './test-app';

let seq = 0;
export function snowflake(): string {
  seq += 1;
  return `${200000000000000000n + BigInt(randomInt(1, 1_000_000_000)) * 1000n + BigInt(seq % 1000)}`;
}

export interface TestUser {
  userId: string;
  discordId: string;
  key: string;
  auth: { Authorization: string };
}

/** A user with one API key (all user scopes unless given) and, optionally, a starting balance. */
export async function createUser(
  t: TestApp,
  opts: { scopes?: string[]; credits?: number; wtgCoins?: number; tier?: 'free' | 'premium'; username?: string } = {},
): Promise<TestUser> {
  const discordId = snowflake();
  const created = await t.app
    .get(ApiKeysService)
    .mintForDiscordUser(discordId, opts.username ?? `user${seq}`, opts.scopes ?? [...USER_SCOPES], 'test');
  const [{ id }]: Array<{ id: string }> = await t.db.query('SELECT id FROM users WHERE discord_id = $1', [discordId]);
  if (opts.tier) {
    await t.db.query('UPDATE users SET tier = $2 WHERE id = $1', [id, opts.tier]);
  }
  await grantBalances(t, id, { credits: opts.credits, wtgCoins: opts.wtgCoins });
  return { userId: id, discordId, key: created.key, auth: { Authorization: `Bearer ${created.key}` } };
}

/**
 * Gives a user GC and WTG through the ledgers, as the app does, so that balance == sum of ledger rows holds
 * in every test (a new user starts at 0, so this sets the balance). Never UPDATE a balance directly.
 */
export async function grantBalances(t: Pick<TestApp, 'app'>, userId: string, amounts: { credits?: number; wtgCoins?: number }): Promise<void> {
  if (amounts.credits) {
    await t.app.get(CreditsService).grant(userId, amounts.credits, 'test_grant');
  }
  if (amounts.wtgCoins) {
    await t.app.get(WtgLedgerService).grant(userId, amounts.wtgCoins, 'test_grant');
  }
}

/** The error envelope a test expects, in one place. */
export function errorEnvelope(code: string, message?: string | RegExp): unknown {
  return expect.objectContaining({
    success: false,
    error: expect.objectContaining({ code, ...(message ? { message: typeof message === 'string' ? message : expect.stringMatching(message) } : {}) }),
  });
}
