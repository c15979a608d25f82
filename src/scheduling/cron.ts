import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { echo } from '../common/values/echo';

export const CRON_MAX_LENGTH = 100;
/** Longest time-zone name accepted; the longest IANA names are about 30 characters. */
export const TIMEZONE_MAX_LENGTH = 64;
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

/** Throws VALIDATION_FAILED for a name the runtime's time-zone database does not know. */
export function assertTimeZone(timezone: string): void {
  try {
    if (timezone.length > TIMEZONE_MAX_LENGTH) {
      throw new RangeError('too long');
    }
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Unknown time zone '${echo(timezone)}': use an IANA name such as Europe/Paris or UTC`, [
      { field: 'timezone', messages: ['must be an IANA time zone'] },
    ]);
  }
}

function invalid(cron: string, why: string): DomainError {
  return new DomainError(ErrorCode.INVALID_CRON, `Invalid cron expression '${echo(cron, CRON_MAX_LENGTH)}': ${why}`, [
    { field: 'cron', messages: [why] },
  ]);
}

/**
 * Accepts exactly five fields (minute hour day-of-month month day-of-week); seconds and @macros are
 * refused so every schedule means the same thing everywhere. Throws INVALID_CRON saying what is wrong.
 */
export function assertCron(cron: string): void {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (cron.length > CRON_MAX_LENGTH) {
    throw invalid(echo(cron, 20), `longer than ${CRON_MAX_LENGTH} characters`);
  }
  if (fields.length !== 5) {
    throw invalid(
      cron,
      `expected 5 fields (${FIELD_NAMES.join(', ')}), got ${fields.length}` + (fields.length === 6 ? ' (seconds are not supported)' : ''),
    );
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { strict: false }).next();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(
      cron,
      /Invalid explicit day of month|Out of range|No valid|next/i.test(message) && !/Constraint/.test(message)
        ? 'it never matches a real date'
        : message,
    );
  }
}

/**
 * The next `count` run instants strictly after `after`, computed in the schedule's zone.
 * DST: a wall time inside a spring-forward gap runs once, shifted forward by the gap (02:30 → 03:30);
 * a wall time repeated by a fall-back runs once, at its first occurrence.
 */
export function nextRuns(cron: string, timezone: string, after: Date, count = 1): Date[] {
  const it = CronExpressionParser.parse(cron.trim().split(/\s+/).join(' '), { currentDate: after, tz: timezone });
  const runs: Date[] = [];
  let previous = after.getTime();
  while (runs.length < count) {
    const next = it.next().toDate();
    // Guard against a parser returning the same or an earlier instant around DST transitions.
    if (next.getTime() > previous) {
      runs.push(next);
      previous = next.getTime();
    }
  }
  return runs;
}

/**
 * The last answer of nextRun per (zone, cron) and the instant it was asked for. Every instant from `after` up to
 * `next` (excluded) has that same next run, so a burst of schedules sharing a cron parses it once (the parser and
 * its zone maths were a tenth of the scheduler's CPU in a burst).
 */
const lastNextRun = new Map<string, { after: number; next: number }>();
const LAST_NEXT_RUN_MAX = 1000;

export function nextRun(cron: string, timezone: string, after: Date): Date {
  const key = `${timezone} ${cron}`;
  const at = after.getTime();
  const known = lastNextRun.get(key);
  if (known && known.after <= at && at < known.next) {
    return new Date(known.next);
  }
  const next = nextRuns(cron, timezone, after, 1)[0];
  if (!known && lastNextRun.size >= LAST_NEXT_RUN_MAX) {
    // Oldest first: a Map iterates in insertion order.
    lastNextRun.delete(lastNextRun.keys().next().value!);
  }
  lastNextRun.set(key, { after: at, next: next.getTime() });
  return next;
}

/** "At 08:00, every day" style text for people. */
export function describeCron(cron: string): string {
  return cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: true });
}
