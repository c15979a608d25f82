import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from '../support/test-app';
import { snowflake } from '../support/factories';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const run = promisify(execFile);

describe('operator CLI (npm run cli -- keys:create)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const cli = (args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });

  it('mints a key for a new Discord user with exactly the requested scopes', async () => {
    expect(existsSync(CLI)).toBe(true);
    const discordId = snowflake();
    const { stdout } = await cli(['keys:create', '--discord-id', discordId, '--username', 'ops', '--scopes', 'servers:read', '--name', 'ops']);
    const key = stdout.trim().split('\n').pop()!;
    expect(key).toMatch(/^agis_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await t.http().get('/api/v1/servers').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    const profile = await t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`);
    expect(profile.status).toBe(403);
    const [user] = await t.db.query('SELECT username FROM users WHERE discord_id = $1', [discordId]);
    expect(user.username).toBe('ops');
  });

  it('refuses to mint without --scopes instead of granting every scope', async () => {
    const discordId = snowflake();
    await expect(cli(['keys:create', '--discord-id', discordId])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--scopes is required'),
    });
    expect(await t.db.query('SELECT 1 FROM users WHERE discord_id = $1', [discordId])).toEqual([]);
  });

  it("leaves an existing user's name alone when --username is left out", async () => {
    const discordId = snowflake();
    await cli(['keys:create', '--discord-id', discordId, '--username', 'Alice', '--scopes', 'profile:read']);
    const { stdout } = await cli(['keys:create', '--discord-id', discordId, '--scopes', 'profile:read']);
    const profile = await t
      .http()
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${stdout.trim().split('\n').pop()}`);
    expect(profile.body.data.username).toBe('Alice');
    const newcomer = snowflake();
    await cli(['keys:create', '--discord-id', newcomer, '--scopes', 'profile:read']);
    const [user] = await t.db.query('SELECT username FROM users WHERE discord_id = $1', [newcomer]);
    expect(user.username).toBe(newcomer);
  });

  it('explains its usage and exits non-zero without a Discord id', async () => {
    await expect(cli(['keys:create'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run cli -- keys:create') });
  });
});
