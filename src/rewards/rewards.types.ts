import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REWARD_PROVIDERS, REWARD_TYPES } from './reward-payload';

export const CONVERSION_STATUSES = ['completed', 'fraud', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/** Reason of a `rejected` conversion: signed by the provider but not a usable conversion. */
export const INVALID_PAYLOAD = 'invalid_payload';

export const AD_REWARD_REASON = 'ad_reward';

export interface ConversionRow {
  id: string;
  provider: string;
  conversion_id: string;
  discord_id: string;
  user_id: string | null;
  type: string;
  amount: string;
  status: ConversionStatus;
  reason: string | null;
  latency_ms: number;
  credit_transaction_id: string | null;
  created_at: Date;
}

export interface NewConversion {
  provider: string;
  conversionId: string;
  discordId: string;
  userId: string | null;
  type: string;
  amount: number;
  status: ConversionStatus;
  reason: string | null;
  latencyMs: number;
  occurredAt: Date | null;
  creditTransactionId: string | null;
}

export class RewardCallbackView {
  @ApiProperty({ enum: REWARD_PROVIDERS }) provider: string;
  @ApiProperty({ example: 'cv-8f2a' }) conversionId: string;
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ enum: REWARD_TYPES }) type: string;
  @ApiProperty({ enum: CONVERSION_STATUSES }) status: ConversionStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'velocity', description: 'Why the conversion is fraud or rejected' })
  reason: string | null;
  @ApiProperty({ example: 150, description: 'GC credited to the user (0 unless completed)' }) credited: number;
  @ApiProperty({ description: 'True when this conversion was already processed; nothing happened this time' }) replayed: boolean;
}
