import { DomainError } from '../common/errors/domain-error';
import { assertCron, assertTimeZone, describeCron, nextRun, nextRuns } from './cron';

const iso = (d: Date) => d.toISOString();

describe('cron maths', () => {
  describe('validation', () => {
    it.each([
      ['0 8 * *', /expected 5 fields .* got 4/],
      ['0 0 8 * * *', /got 6 \(seconds are not supported\)/],
      ['61 * * * *', /61/],
      ['0 25 * * *', /25/],
      ['0 8 * 13 *', /13/],
      ['0 8 30 2 *', /never matches/],
      ['@daily', /expected 5 fields/],
      ['a b c d e', /./],
    ])('refuses %s', (cron, message) => {
      expect(() => assertCron(cron)).toThrow(DomainError);
      expect(() => assertCron(cron)).toThrow(message);
    });

    it.each(['0 8 * * *', '*/15 * * * *', '0 */6 * * *', '30 2 * * 1-5', '0 0 1 1 *', '0 12 * * MON'])('accepts %s', (cron) => {
      expect(() => assertCron(cron)).not.toThrow();
    });

    it('refuses unknown time zones', () => {
      expect(() => assertTimeZone('Mars/Olympus')).toThrow(/Unknown time zone 'Mars\/Olympus'/);
      expect(() => assertTimeZone('Europe/Paris')).not.toThrow();
    });
  });

  describe('next runs in several zones (known instants)', () => {
    it.each([
      ['0 8 * * *', 'UTC', '2026-11-26T09:00:00Z', '2026-11-27T08:00:00.000Z'],
      ['0 8 * * *', 'Europe/Paris', '2026-11-26T00:00:00Z', '2026-11-26T07:00:00.000Z'],
      ['0 8 * * *', 'Europe/Paris', '2026-07-01T00:00:00Z', '2026-07-01T06:00:00.000Z'],
      ['0 8 * * *', 'America/New_York', '2026-11-26T00:00:00Z', '2026-11-26T13:00:00.000Z'],
      ['0 8 * * *', 'America/New_York', '2026-07-01T00:00:00Z', '2026-07-01T12:00:00.000Z'],
      ['0 8 * * *', 'Asia/Tokyo', '2026-11-26T00:00:00Z', '2026-11-26T23:00:00.000Z'],
      ['0 8 * * *', 'Asia/Kolkata', '2026-11-26T00:00:00Z', '2026-11-26T02:30:00.000Z'],
      ['0 8 * * *', 'Australia/Sydney', '2026-11-26T00:00:00Z', '2026-11-26T21:00:00.000Z'],
      ['0 0 * * 1', 'Europe/Berlin', '2026-11-26T00:00:00Z', '2026-11-29T23:00:00.000Z'],
      ['*/15 * * * *', 'UTC', '2026-11-26T10:07:00Z', '2026-11-26T10:15:00.000Z'],
    ])('%s in %s after %s is %s', (cron, tz, after, expected) => {
      expect(iso(nextRun(cron, tz, new Date(after)))).toBe(expected);
    });

    it('lists the next five runs, strictly increasing', () => {
      const runs = nextRuns('0 */6 * * *', 'UTC', new Date('2026-11-26T05:00:00Z'), 5).map(iso);
      expect(runs).toEqual([
        '2026-11-26T06:00:00.000Z',
        '2026-11-26T12:00:00.000Z',
        '2026-11-26T18:00:00.000Z',
        '2026-11-27T00:00:00.000Z',
        '2026-11-27T06:00:00.000Z',
      ]);
    });
  });

  describe('daylight saving time (Europe/Berlin, 02:30 daily)', () => {
    it('runs once on the spring-forward day, at the next valid time', () => {
      // 2026-03-29: clocks jump 02:00 → 03:00 CEST, so 02:30 does not exist.
      const runs = nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'), 3).map(iso);
      expect(runs).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
      const onTheDay = runs.filter((r) => r.startsWith('2026-03-29'));
      expect(onTheDay).toHaveLength(1);
    });

    it('runs once, not twice, on the fall-back day', () => {
      // 2026-10-25: clocks go 03:00 CEST → 02:00 CET, so 02:30 happens twice.
      const runs = nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'), 3).map(iso);
      expect(runs).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
      // Asking again right after the first 02:30 must not yield the repeated 02:30 CET.
      expect(iso(nextRun('30 2 * * *', 'Europe/Berlin', new Date('2026-10-25T00:30:00Z')))).toBe('2026-10-26T01:30:00.000Z');
    });
  });

  it('answers nextRun from its memory exactly as a fresh computation would, in any order of instants', () => {
    const cases: Array<[string, string]> = [
      ['*/7 * * * *', 'UTC'],
      ['30 2 * * *', 'Europe/Berlin'],
      ['0 8 * * 1-5', 'America/New_York'],
    ];
    // Instants around the 2026 spring-forward in Berlin, forwards, repeated and backwards.
    const start = Date.parse('2026-03-28T23:50:00Z');
    const instants = Array.from({ length: 400 }, (_, i) => start + ((i * 7919) % 400) * 61_000 + (i % 3) * 500);
    for (const [cron, tz] of cases) {
      for (const at of instants) {
        expect(nextRun(cron, tz, new Date(at)).toISOString()).toBe(nextRuns(cron, tz, new Date(at), 1)[0].toISOString());
      }
    }
  });

  it('describes crons for people', () => {
    expect(describeCron('0 8 * * *')).toBe('At 08:00, every day');
    expect(describeCron('0 */6 * * *')).toMatch(/every 6 hours/);
  });
});
