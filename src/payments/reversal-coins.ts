/**
 * How many of a purchase's coins a reversal takes back: the refunded or disputed share of the amount
 * paid, rounded up (a refunded cent never leaves a coin that was not paid for), never more than the
 * purchase gave. Refunds are cumulative on a charge (amount_refunded), so the largest one seen counts;
 * disputes add to it; the total is capped at what was paid.
 */
export function coinsToReverse(p: { coins: number; amountCents: number; refundedCents: number; disputedCents: number }): number {
  if (p.amountCents <= 0) {
    return p.coins;
  }
  const reversed = Math.min(p.amountCents, Math.max(0, p.refundedCents) + Math.max(0, p.disputedCents));
  return Math.min(p.coins, Math.ceil((p.coins * reversed) / p.amountCents));
}
