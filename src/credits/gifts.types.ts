import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Largest single gift the input accepts; what a user may really give is bounded by GIFT_DAILY_LIMIT_GC and their balance. */
export const GIFT_AMOUNT_MAX = 1_000_000_000;
/** A gift's note, shown to the receiver in their direct message. */
export const GIFT_NOTE_MAX = 200;

/** Ledger reasons of the two rows of a gift (GiftsRepository counts the first towards the daily limit). */
export const GiftReason = {
  SENT: 'gift_sent',
  RECEIVED: 'gift_received',
} as const;

export interface SendGiftInput {
  toDiscordId: string;
  amount: number;
  note?: string;
  /** The client's retry key (Idempotency-Key, or the Discord interaction id): the same key gives once. */
  idempotencyKey?: string;
}

/** Gifts sent by one user in the current UTC day. */
export interface GiftDay {
  sent: number;
  resetsAt: Date;
}

export class GiftView {
  @ApiProperty({ example: '5f0c3e9a1b2d4c6e8f0a1b2c3d4e5f60', description: 'Id of this gift (the same for a retry with the same Idempotency-Key)' })
  giftId: string;
  @ApiProperty({ example: '234567890123456789' }) toDiscordId: string;
  @ApiProperty({ example: 'bob' }) toUsername: string;
  @ApiProperty({ example: 250, description: 'GC given' }) amount: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'gg, thanks for the carry' }) note: string | null;
  @ApiProperty({ example: 750, description: "The sender's GC balance after the gift" }) balance: number;
  @ApiProperty({ example: 250, description: 'GC given with gifts today (UTC), this one included' }) sentToday: number;
  @ApiProperty({ example: 1000, description: 'GC one user may give per UTC day (GIFT_DAILY_LIMIT_GC)' }) dailyLimit: number;
  @ApiProperty({ example: 750, description: 'GC the sender may still give today' }) remainingToday: number;
  @ApiProperty({ example: '2026-01-02T00:00:00.000Z', description: 'When the daily limit starts over (00:00 UTC)' }) resetsAt: string;
  @ApiProperty() createdAt: string;
}
