import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { openSecret, sealSecret } from './webhook-crypto';
import { loadWebhookKeyring, readOrCreateKeyFile, webhookKeyFile } from './webhook-keys';

describe('webhook key material', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agis-webhook-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a random key once in the data dir, readable by the owner only, and reads it back', () => {
    const dataDir = join(dir, 'fresh');
    const first = readOrCreateKeyFile(webhookKeyFile(dataDir));
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(webhookKeyFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(readOrCreateKeyFile(webhookKeyFile(dataDir))).toBe(first);
    expect(readOrCreateKeyFile(webhookKeyFile(join(dir, 'other')))).not.toBe(first);
  });

  it('keeps secrets readable across restarts with no setting, whatever the database URL', () => {
    const dataDir = join(dir, 'restarts');
    const before = loadWebhookKeyring(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://a@127.0.0.1:40001/agis' }));
    const after = loadWebhookKeyring(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://b@127.0.0.1:40002/agis' }));
    expect(openSecret(after.current, sealSecret(before.current, 'whsec_x', 'hook'), 'hook')).toBe('whsec_x');
  });

  it('uses WEBHOOK_SECRET_KEY and WEBHOOK_SECRET_KEY_PREVIOUS when set, without touching the data dir', () => {
    const dataDir = join(dir, 'configured');
    const ring = loadWebhookKeyring(
      loadConfig({ DATA_DIR: dataDir, WEBHOOK_SECRET_KEY: 'c'.repeat(32), WEBHOOK_SECRET_KEY_PREVIOUS: 'p'.repeat(32) }),
    );
    expect(ring.previous).toBeDefined();
    expect(() => statSync(webhookKeyFile(dataDir))).toThrow();
    const fileKey = loadWebhookKeyring(
      loadConfig({ DATA_DIR: join(dir, 'file'), WEBHOOK_SECRET_KEY_PREVIOUS: readOrCreateKeyFile(webhookKeyFile(join(dir, 'file'))) }),
    );
    expect(fileKey.current).toEqual(fileKey.previous); // the file key copied into a setting is the same key
  });

  it('refuses a damaged key file instead of sealing with a weak key', () => {
    const path = webhookKeyFile(join(dir, 'damaged'));
    readOrCreateKeyFile(path);
    writeFileSync(path, 'short\n');
    expect(() => readOrCreateKeyFile(path)).toThrow(/no usable key/);
    expect(readFileSync(path, 'utf8')).toBe('short\n');
  });
});
