/**
 * Fraud rules for ad-network conversions: pure functions over facts the service reads from the
 * database inside the conversion's transaction. The first rule that matches wins; a conversion
 * that matches any rule is stored as `fraud` and credits nothing.
 */
export const FRAUD_REASONS = ['unknown_user', 'conversion_reused', 'amount_ceiling', 'velocity'] as const;
export type FraudReason = (typeof FRAUD_REASONS)[number];

export interface FraudFacts {
  /** The conversion names a Discord user we know. */
  userKnown: boolean;
  /** The same provider already sent this conversion id for a different user. */
  usedByAnotherUser: boolean;
  /** GC the provider asks us to credit. */
  amount: number;
  /** Completed (credited) conversions of this user in the last hour, this one excluded. */
  completedLastHour: number;
}

export interface FraudLimits {
  maxAmount: number;
  maxPerHour: number;
}

export function unknownUser(f: FraudFacts): boolean {
  return !f.userKnown;
}

export function conversionReused(f: FraudFacts): boolean {
  return f.usedByAnotherUser;
}

export function aboveCeiling(f: FraudFacts, limits: FraudLimits): boolean {
  return f.amount > limits.maxAmount;
}

/** More than maxPerHour conversions in an hour: the (maxPerHour + 1)-th and later ones are fraud. */
export function tooFast(f: FraudFacts, limits: FraudLimits): boolean {
  return f.completedLastHour >= limits.maxPerHour;
}

const RULES: ReadonlyArray<[FraudReason, (f: FraudFacts, l: FraudLimits) => boolean]> = [
  ['unknown_user', unknownUser],
  ['conversion_reused', conversionReused],
  ['amount_ceiling', aboveCeiling],
  ['velocity', tooFast],
];

/** The reason this conversion is fraud, or null when it may be credited. */
export function detectFraud(facts: FraudFacts, limits: FraudLimits): FraudReason | null {
  for (const [reason, matches] of RULES) {
    if (matches(facts, limits)) {
      return reason;
    }
  }
  return null;
}
