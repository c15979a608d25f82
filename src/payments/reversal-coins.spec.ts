import { coinsToReverse } from './reversal-coins';

describe('coinsToReverse', () => {
  const purchase = { coins: 11, amountCents: 999 };

  it('takes every coin back for a full refund or a full dispute', () => {
    expect(coinsToReverse({ ...purchase, refundedCents: 999, disputedCents: 0 })).toBe(11);
    expect(coinsToReverse({ ...purchase, refundedCents: 0, disputedCents: 999 })).toBe(11);
  });

  it('takes the refunded share back, rounded up', () => {
    // 11 * 500 / 999 = 5.5
    expect(coinsToReverse({ ...purchase, refundedCents: 500, disputedCents: 0 })).toBe(6);
    expect(coinsToReverse({ ...purchase, refundedCents: 1, disputedCents: 0 })).toBe(1);
    expect(coinsToReverse({ ...purchase, refundedCents: 0, disputedCents: 0 })).toBe(0);
  });

  it('never takes more than the purchase gave, whatever refunds and disputes add up to', () => {
    expect(coinsToReverse({ ...purchase, refundedCents: 999, disputedCents: 999 })).toBe(11);
    expect(coinsToReverse({ ...purchase, refundedCents: 5000, disputedCents: 0 })).toBe(11);
  });
});
