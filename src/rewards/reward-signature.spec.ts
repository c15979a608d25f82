import { signRewardBody, verifyRewardSignature } from './reward-signature';

const secret = 'offerwall-secret-0123456789';
const body = Buffer.from('{"conversionId":"c-1","discordId":"123456789012345678","amount":150}');

describe('reward callback signatures', () => {
  it('accepts the HMAC-SHA256 hex of the exact body, in either case', () => {
    const sig = signRewardBody(secret, body);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyRewardSignature(secret, body, sig)).toBe(true);
    expect(verifyRewardSignature(secret, body, sig.toUpperCase())).toBe(true);
  });

  it('refuses a body changed by one byte, even when the JSON means the same', () => {
    const sig = signRewardBody(secret, body);
    expect(verifyRewardSignature(secret, Buffer.from(body.toString().replace('150', '151')), sig)).toBe(false);
    expect(verifyRewardSignature(secret, Buffer.from(`${body.toString()} `), sig)).toBe(false);
  });

  it('refuses another secret, a missing, truncated or non-hex signature', () => {
    const sig = signRewardBody(secret, body);
    expect(verifyRewardSignature('another-secret', body, sig)).toBe(false);
    expect(verifyRewardSignature(secret, body, undefined)).toBe(false);
    expect(verifyRewardSignature(secret, body, sig.slice(0, 63))).toBe(false);
    expect(verifyRewardSignature(secret, body, `${'z'.repeat(64)}`)).toBe(false);
  });
});
