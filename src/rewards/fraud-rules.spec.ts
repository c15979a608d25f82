import { detectFraud, type FraudFacts } from './fraud-rules';

const limits = { maxAmount: 5000, maxPerHour: 10 };
const clean: FraudFacts = { userKnown: true, usedByAnotherUser: false, amount: 100, completedLastHour: 0 };

describe('detectFraud', () => {
  it('passes a known user, a fresh conversion id, an amount within the ceiling and a slow pace', () => {
    expect(detectFraud(clean, limits)).toBeNull();
  });

  it('flags a conversion for a user we do not know', () => {
    expect(detectFraud({ ...clean, userKnown: false }, limits)).toBe('unknown_user');
  });

  it('flags a conversion id the provider already sent for another user', () => {
    expect(detectFraud({ ...clean, usedByAnotherUser: true }, limits)).toBe('conversion_reused');
  });

  it('accepts exactly the ceiling and flags one GC above it', () => {
    expect(detectFraud({ ...clean, amount: 5000 }, limits)).toBeNull();
    expect(detectFraud({ ...clean, amount: 5001 }, limits)).toBe('amount_ceiling');
  });

  it('allows N conversions per hour and flags the (N+1)-th', () => {
    expect(detectFraud({ ...clean, completedLastHour: 9 }, limits)).toBeNull();
    expect(detectFraud({ ...clean, completedLastHour: 10 }, limits)).toBe('velocity');
    expect(detectFraud({ ...clean, completedLastHour: 10 }, { ...limits, maxPerHour: 11 })).toBeNull();
  });

  it('reports the first matching rule when several match', () => {
    const everything = { userKnown: false, usedByAnotherUser: true, amount: 999_999, completedLastHour: 99 };
    expect(detectFraud(everything, limits)).toBe('unknown_user');
    expect(detectFraud({ ...everything, userKnown: true }, limits)).toBe('conversion_reused');
    expect(detectFraud({ ...everything, userKnown: true, usedByAnotherUser: false }, limits)).toBe('amount_ceiling');
  });
});
