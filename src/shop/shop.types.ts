import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentReason } from '../payments/payments.types';

export const WtgReason = {
  CONVERSION: 'wtg_conversion',
  /** Admin grants and Stripe purchases: the same reason in the WTG ledger. */
  PURCHASE: PaymentReason.PURCHASE,
} as const;

export interface CheckoutInput {
  packageId: string;
  /** The client's retry key (Idempotency-Key, or the Discord interaction): the same key gives the same checkout. */
  idempotencyKey?: string;
}

export interface ConvertWtgInput {
  wtg: number;
  /** The client's retry key (Idempotency-Key); the same key converts once. */
  idempotencyKey?: string;
}

export interface GrantWtgInput {
  discordId: string;
  coins: number;
  /** The payment system's order id: one grant per reference. */
  reference: string;
}

export class WtgPackageView {
  @ApiProperty({ example: 'wtg-11' }) id: string;
  @ApiProperty({ example: '11 WTG (10 + 1 bonus)' }) name: string;
  @ApiProperty({ example: 999, description: 'Price in cents' }) priceCents: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 11, description: 'Coins received, bonus included' }) coins: number;
  @ApiProperty({ example: 1, description: 'Bonus part of coins (base rate: one coin per dollar)' }) bonusCoins: number;
  @ApiProperty({ example: 11000, description: 'What the coins convert to, in GameCredits' }) gcValue: number;
}

export class ShopView {
  @ApiProperty({ example: 1000, description: 'GameCredits per WTG coin (conversion is one-way)' }) gcPerWtg: number;
  @ApiProperty({ type: [WtgPackageView] }) packages: WtgPackageView[];
}

export class ConversionView {
  @ApiProperty({ example: 2 }) wtgSpent: number;
  @ApiProperty({ example: 2000 }) gcReceived: number;
  @ApiProperty({ example: 3, description: 'WTG coin balance after the conversion' }) wtgBalance: number;
  @ApiProperty({ example: 2500, description: 'GameCredits balance after the conversion' }) creditsBalance: number;
  @ApiProperty({ example: '17', description: 'GC ledger row of the conversion' }) creditTransactionId: string;
  @ApiProperty({ example: '9', description: 'WTG ledger row of the conversion' }) wtgTransactionId: string;
  @ApiProperty() createdAt: string;
}

export class WtgGrantView {
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ example: 11 }) coins: number;
  @ApiProperty({ example: 16, description: 'WTG coin balance right after this grant' }) balanceAfter: number;
  @ApiProperty({ example: 'order-2026-000123' }) reference: string;
  @ApiProperty({ example: '9' }) transactionId: string;
  @ApiProperty({ description: 'True when this reference was granted before; nothing was added this time' }) replayed: boolean;
  @ApiProperty() createdAt: string;
}

export class WtgTransactionView {
  @ApiProperty({ example: '9' }) id: string;
  @ApiProperty({ example: -2, description: 'Signed coin amount' }) amount: number;
  @ApiProperty({ example: 3 }) balanceAfter: number;
  @ApiProperty({ example: 'wtg_conversion' }) reason: string;
  @ApiPropertyOptional({ type: String, nullable: true }) reference: string | null;
  @ApiProperty() createdAt: string;
}
