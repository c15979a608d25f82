import { type Tier } from './users.types';

/**
 * The tier in force at `now`. The stored tier says premium was granted; `premiumUntil` says until when.
 * Computed at read time, so an expired premium reads as free everywhere without a job to flip it.
 * Premium with no end date (NULL) is one an operator set by hand; buying premium always sets an end.
 */
export function effectiveTier(stored: Tier, premiumUntil: Date | null, now: Date): Tier {
  if (stored !== 'premium') {
    return 'free';
  }
  return premiumUntil === null || premiumUntil.getTime() > now.getTime() ? 'premium' : 'free';
}
