/** One WTG coin is worth this many GameCredits; conversion is one-way (WTG → GC). */
export const GC_PER_WTG = 1000;
/** Largest single conversion, so the GC amount stays far inside a safe integer. */
export const CONVERT_WTG_MAX = 1_000_000;
/** Largest single admin grant of coins. */
export const GRANT_WTG_MAX = 1_000_000;
export const GRANT_REFERENCE_MAX = 120;

export interface WtgPackage {
  id: string;
  name: string;
  priceCents: number;
  currency: 'USD';
  /** Coins the buyer receives, bonus included. */
  coins: number;
  /** The part of `coins` given on top of the base rate of one coin per dollar. */
  bonusCoins: number;
}

/**
 * The WTG packages from the product spec. The base rate is one coin per dollar (4.99 → 5 coins);
 * bigger packages include a growing bonus: 10 + 1, 20 + 3, 50 + 10. They are bought with Stripe
 * Checkout (POST /shop/checkout, the payments module), or credited by a payment system through the
 * admin grant endpoint.
 */
export const WTG_PACKAGES: readonly WtgPackage[] = [
  { id: 'wtg-5', name: '5 WTG', priceCents: 499, currency: 'USD', coins: 5, bonusCoins: 0 },
  { id: 'wtg-11', name: '11 WTG (10 + 1 bonus)', priceCents: 999, currency: 'USD', coins: 11, bonusCoins: 1 },
  { id: 'wtg-23', name: '23 WTG (20 + 3 bonus)', priceCents: 1999, currency: 'USD', coins: 23, bonusCoins: 3 },
  { id: 'wtg-60', name: '60 WTG (50 + 10 bonus)', priceCents: 4999, currency: 'USD', coins: 60, bonusCoins: 10 },
];

export const WTG_PACKAGE_IDS: readonly string[] = WTG_PACKAGES.map((p) => p.id);

export function wtgToGc(coins: number): number {
  return coins * GC_PER_WTG;
}
