import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type Tier, TIERS } from '../users/users.types';

/** Premium pays this many times the free amount of the daily bonus and of /work. */
export const PREMIUM_REWARD_MULTIPLIER = 2;
/** Months of premium one purchase may buy (read by the DTO, the Discord option and the service). */
export const PREMIUM_MONTHS_MIN = 1;
export const PREMIUM_MONTHS_MAX = 12;
/** WTG ledger reason of a premium purchase. */
export const PREMIUM_REASON = 'premium_purchase';

export interface BuyPremiumInput {
  months: number;
  /** Retry key (REST Idempotency-Key, the Discord interaction id): a retry buys once. */
  idempotencyKey?: string;
}

export class PremiumPurchaseView {
  @ApiProperty({ example: 3, description: 'Months bought' }) months: number;
  @ApiProperty({ example: 3, description: 'WTG coins paid' }) wtgSpent: number;
  @ApiProperty({ example: 7, description: 'WTG balance after the purchase' }) wtgBalance: number;
  @ApiProperty({ enum: [...TIERS], example: 'premium' }) tier: Tier;
  @ApiProperty({ example: '2026-04-30T12:00:00.000Z', description: 'When premium ends now (a renewal adds to the end it had)' })
  premiumUntil: string;
}

export class PremiumStatusView {
  @ApiProperty({ enum: [...TIERS], description: 'Your tier in force now' }) tier: Tier;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'When bought premium ends (or ended); null if never bought' })
  premiumUntil: string | null;
  @ApiProperty({ example: 1, description: 'WTG coins per month of premium' }) pricePerMonthWtg: number;
  @ApiProperty({ example: PREMIUM_MONTHS_MAX, description: 'Most months one purchase may buy' }) monthsMax: number;
  @ApiProperty({ example: PREMIUM_REWARD_MULTIPLIER, description: 'Premium multiplies the daily bonus and /work by this' })
  rewardMultiplier: number;
}
