/** Pure billing arithmetic: servers are paid one hour ahead, from `billedUntil`. */
export const BILLING_HOUR_MS = 3_600_000;

export interface StartCharge {
  /** Whether this start must pay a new hour. */
  charge: boolean;
  billedUntil: Date;
}

/**
 * A start pays the next hour, unless an hour paid earlier is still running (a stop never refunds,
 * so starting again within that hour uses it up instead of paying twice).
 */
export function chargeForStart(billedUntil: Date | null, now: Date): StartCharge {
  if (billedUntil && billedUntil.getTime() > now.getTime()) {
    return { charge: false, billedUntil };
  }
  return { charge: true, billedUntil: new Date(now.getTime() + BILLING_HOUR_MS) };
}

/** The hour after a paid one: billing advances exactly one hour per charge, so missed ticks are caught up hour by hour. */
export function nextBilledUntil(billedUntil: Date): Date {
  return new Date(billedUntil.getTime() + BILLING_HOUR_MS);
}

/** How many hours are owed at `now` (the hour starting at `billedUntil` counts once it has begun). */
export function hoursDue(billedUntil: Date, now: Date): number {
  const behind = now.getTime() - billedUntil.getTime();
  return behind < 0 ? 0 : Math.floor(behind / BILLING_HOUR_MS) + 1;
}

/** One key per billed hour: several replicas or a retried tick can never charge the same hour twice. */
export function hourKey(serverId: string, billedUntil: Date): string {
  return `bill:${serverId}:${billedUntil.toISOString()}`;
}

/** One key per start (the sequence grows with every start), and its refund. */
export function startKey(serverId: string, startSeq: number): string {
  return `start:${serverId}:${startSeq}`;
}

export function refundKey(serverId: string, startSeq: number): string {
  return `refund:${serverId}:${startSeq}`;
}
