import { effectiveTier } from './premium-tier';

describe('effectiveTier', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('is premium while the end lies ahead, and free from the moment it passes', () => {
    expect(effectiveTier('premium', new Date('2026-03-01T12:00:01Z'), now)).toBe('premium');
    expect(effectiveTier('premium', new Date('2026-03-01T12:00:00Z'), now)).toBe('free');
    expect(effectiveTier('premium', new Date('2026-02-01T00:00:00Z'), now)).toBe('free');
  });

  it('keeps premium without an end date, and free stays free whatever the date', () => {
    expect(effectiveTier('premium', null, now)).toBe('premium');
    expect(effectiveTier('free', new Date('2027-01-01T00:00:00Z'), now)).toBe('free');
    expect(effectiveTier('free', null, now)).toBe('free');
  });
});
