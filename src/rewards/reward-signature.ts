import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the provider's signature: lowercase or uppercase hex HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER = 'x-agis-signature';

export function signRewardBody(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * True when `signature` is the HMAC of exactly these bytes. The signature is checked over the raw
 * bytes, not re-serialised JSON, so key order and whitespace cannot break or fake it; the
 * comparison takes the same time wherever the first wrong byte is.
 */
export function verifyRewardSignature(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
