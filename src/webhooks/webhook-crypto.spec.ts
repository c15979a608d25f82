import { deriveSecretKey, mintWebhookSecret, openSecret, openWithKeyring, sealSecret, signDelivery, verifyDelivery } from './webhook-crypto';
import { retryDelayMs } from './webhook-payload';

describe('webhook secrets and signatures', () => {
  const key = deriveSecretKey('k'.repeat(32));

  it('encrypts secrets so only the same key and webhook id open them', () => {
    const secret = mintWebhookSecret();
    const sealed = sealSecret(key, secret, 'hook-1');
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(key, sealed, 'hook-1')).toBe(secret);
    expect(() => openSecret(key, sealed, 'hook-2')).toThrow();
    expect(() => openSecret(deriveSecretKey('z'.repeat(32)), sealed, 'hook-1')).toThrow();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] ^= 1;
    expect(() => openSecret(key, [v, iv, tag, flipped.toString('base64url')].join('.'), 'hook-1')).toThrow();
  });

  it('opens secrets sealed with the previous key during a rotation, and says they are stale', () => {
    const previous = deriveSecretKey('p'.repeat(32));
    const current = deriveSecretKey('c'.repeat(32));
    const old = sealSecret(previous, 'whsec_old', 'hook-1');
    const fresh = sealSecret(current, 'whsec_new', 'hook-1');
    expect(openWithKeyring({ current, previous }, old, 'hook-1')).toEqual({ secret: 'whsec_old', stale: true });
    expect(openWithKeyring({ current, previous }, fresh, 'hook-1')).toEqual({ secret: 'whsec_new', stale: false });
    expect(() => openWithKeyring({ current }, old, 'hook-1')).toThrow();
    expect(() => openWithKeyring({ current, previous }, sealSecret(deriveSecretKey('x'.repeat(32)), 's', 'hook-1'), 'hook-1')).toThrow();
  });

  it('signs "<timestamp>.<body>" and verifies within the tolerance only', () => {
    const now = 1_800_000_000_000;
    const ts = now / 1000;
    const sig = signDelivery('whsec_x', ts, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyDelivery('whsec_x', String(ts), '{"a":1}', sig, 300, now)).toBe(true);
    expect(verifyDelivery('whsec_x', String(ts), '{"a":2}', sig, 300, now)).toBe(false);
    expect(verifyDelivery('whsec_x', String(ts + 1), '{"a":1}', sig, 300, now)).toBe(false);
    expect(verifyDelivery('whsec_x', String(ts), '{"a":1}', sig, 300, now + 301_000)).toBe(false);
    expect(verifyDelivery('whsec_x', String(ts), '{"a":1}', sig.toUpperCase(), 300, now)).toBe(false);
    expect(verifyDelivery('whsec_x', undefined, '{"a":1}', sig, 300, now)).toBe(false);
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 60_000, low))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 60_000, high))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000, 60_000, high)).toBe(60_000);
    expect(retryDelayMs(500, 1000, 60_000, low)).toBe(30_000);
  });
});
