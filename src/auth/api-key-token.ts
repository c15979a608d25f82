import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^agis_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface MintedToken {
  id: string;
  prefix: string;
  secretHash: string;
  token: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** `agis_<12 char id>_<43 char base64url secret>` (256 bits of secret). */
export function mintToken(): MintedToken {
  const id = Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, prefix: `agis_${id}`, secretHash: hashSecret(secret), token: `agis_${id}_${secret}` };
}

export function parseToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

/** Constant-time comparison of the presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
