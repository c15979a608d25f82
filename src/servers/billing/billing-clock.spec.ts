import { BILLING_HOUR_MS, chargeForStart, hourKey, hoursDue, nextBilledUntil, refundKey, startKey } from './billing-clock';

const at = (iso: string) => new Date(iso);

describe('billing clock', () => {
  const now = at('2026-11-26T10:00:00.000Z');

  it('charges a first start for the hour from now', () => {
    expect(chargeForStart(null, now)).toEqual({ charge: true, billedUntil: at('2026-11-26T11:00:00.000Z') });
  });

  it('lets a start within a still-paid hour use it instead of paying again', () => {
    const paid = at('2026-11-26T10:20:00.000Z');
    expect(chargeForStart(paid, now)).toEqual({ charge: false, billedUntil: paid });
  });

  it('charges again once the paid hour has ended, from now rather than from the old end', () => {
    expect(chargeForStart(at('2026-11-26T09:00:00.000Z'), now)).toEqual({ charge: true, billedUntil: at('2026-11-26T11:00:00.000Z') });
    expect(chargeForStart(now, now).charge).toBe(true);
  });

  it('advances exactly one hour per charge so missed ticks are billed hour by hour', () => {
    expect(nextBilledUntil(at('2026-11-26T09:30:00.000Z'))).toEqual(at('2026-11-26T10:30:00.000Z'));
    expect(hoursDue(at('2026-11-26T10:00:00.001Z'), now)).toBe(0);
    expect(hoursDue(now, now)).toBe(1);
    expect(hoursDue(at('2026-11-26T07:30:00.000Z'), now)).toBe(3);
    let billedUntil = at('2026-11-26T07:30:00.000Z');
    let charges = 0;
    while (hoursDue(billedUntil, now) > 0) {
      billedUntil = nextBilledUntil(billedUntil);
      charges += 1;
    }
    expect({ charges, billedUntil }).toEqual({ charges: 3, billedUntil: at('2026-11-26T10:30:00.000Z') });
  });

  it('names each billed hour, start and refund with its own stable key', () => {
    const id = '3f1c9a5e-2b7d-4f7a-9a41-0d2b9c1e8f00';
    expect(hourKey(id, now)).toBe(`bill:${id}:2026-11-26T10:00:00.000Z`);
    expect(hourKey(id, now)).not.toBe(hourKey(id, new Date(now.getTime() + BILLING_HOUR_MS)));
    expect(startKey(id, 2)).toBe(`start:${id}:2`);
    expect(refundKey(id, 2)).toBe(`refund:${id}:2`);
  });
});
