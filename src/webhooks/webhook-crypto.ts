import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook secrets must be recoverable (they sign every delivery), so unlike API keys they are stored
 * encrypted, not hashed: AES-256-GCM with the webhook id as associated data, so a ciphertext copied to
 * another row does not decrypt.
 */
const VERSION = 'v1';

/**
 * 32-byte AES key from key material: WEBHOOK_SECRET_KEY, or the key file kept in the data dir
 * (webhook-keys.ts). Never from anything that changes on its own, such as the database URL.
 */
export function deriveSecretKey(material: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, 'agis-webhook-secrets', 'configured', 32));
}

/** The key that seals new secrets, and during a rotation the one that sealed older ones. */
export interface SecretKeyring {
  current: Buffer;
  previous?: Buffer;
}

export function mintWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function sealSecret(key: Buffer, secret: string, webhookId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(webhookId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Throws when the key is wrong or the value was tampered with (GCM authenticates it). */
export function openSecret(key: Buffer, sealed: string, webhookId: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error('Unknown webhook secret format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(webhookId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Opens with the current key, else with the previous one (a rotation in progress); `stale` says the
 * value should be sealed again with the current key. Throws when neither key opens it.
 */
export function openWithKeyring(ring: SecretKeyring, sealed: string, webhookId: string): { secret: string; stale: boolean } {
  try {
    return { secret: openSecret(ring.current, sealed, webhookId), stale: false };
  } catch (err) {
    if (!ring.previous) {
      throw err;
    }
    return { secret: openSecret(ring.previous, sealed, webhookId), stale: true };
  }
}

/** `X-Agis-Signature`: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret. */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and what our tests do): recompute the signature over the exact body and compare in
 * constant time; refuse timestamps older than `toleranceSeconds` so a captured delivery cannot be replayed later.
 */
export function verifyDelivery(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  toleranceSeconds = 300,
  nowMs = Date.now(),
): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    return false;
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(signDelivery(secret, Number(timestamp), body));
  return timingSafeEqual(expected, Buffer.from(signature));
}
