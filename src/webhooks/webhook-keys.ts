import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig } from '../config/app-config';
import { deriveSecretKey, type SecretKeyring } from './webhook-crypto';

/** Where the generated key lives when WEBHOOK_SECRET_KEY is unset. */
export function webhookKeyFile(dataDir: string): string {
  return join(dataDir, 'webhook-secret.key');
}

/**
 * The keyring that encrypts webhook secrets: WEBHOOK_SECRET_KEY (and WEBHOOK_SECRET_KEY_PREVIOUS during a
 * rotation), or without it a random key generated once in $DATA_DIR (mode 0600), which survives restarts.
 * (In production with an external database, config validation already requires WEBHOOK_SECRET_KEY.)
 */
export function loadWebhookKeyring(config: AppConfig): SecretKeyring {
  const current = config.WEBHOOK_SECRET_KEY ?? readOrCreateKeyFile(webhookKeyFile(config.DATA_DIR));
  return {
    current: deriveSecretKey(current),
    previous: config.WEBHOOK_SECRET_KEY_PREVIOUS ? deriveSecretKey(config.WEBHOOK_SECRET_KEY_PREVIOUS) : undefined,
  };
}

/**
 * Reads the key file, creating it first when missing: written to a draft and linked into place, so
 * processes starting together all end up with the one key that won.
 */
export function readOrCreateKeyFile(path: string): string {
  try {
    return checkedKey(path, readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
  const draft = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
    writeFileSync(draft, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(draft, 0o600); // whatever the umask
    linkSync(draft, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new Error(`Cannot create the webhook key file ${path} (${(err as Error).message}): set WEBHOOK_SECRET_KEY instead`, { cause: err });
    }
  } finally {
    rmSync(draft, { force: true });
  }
  return checkedKey(path, readFileSync(path, 'utf8'));
}

function checkedKey(path: string, content: string): string {
  const key = content.trim();
  if (key.length < 32) {
    throw new Error(`The webhook key file ${path} holds no usable key (under 32 characters): restore it from a backup, or set WEBHOOK_SECRET_KEY`);
  }
  return key;
}
