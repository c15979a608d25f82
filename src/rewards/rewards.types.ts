import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_ID_PATTERN, DISCORD_ID_PATTERN, REWARD_PROVIDERS, REWARD_TYPES } from './reward-payload';

export const CONVERSION_STATUSES = ['completed', 'fraud', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/** Reason of a `rejected` conversion: signed by the provider but not a usable conversion. */
export const INVALID_PAYLOAD = 'invalid_payload';

export const AD_REWARD_REASON = 'ad_reward';

/** A stored conversion (ad_conversions row, camelCase). */
export interface ConversionRecord {
  id: string;
  provider: string;
  conversionId: string;
  discordId: string;
  userId: string | null;
  type: string;
  amount: number;
  status: ConversionStatus;
  reason: string | null;
  latencyMs: number;
  creditTransactionId: string | null;
  createdAt: Date;
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

/** The callback body as documented: what a usable conversion looks like (`parseRewardPayload` is the check). */
export const REWARD_CALLBACK_SCHEMA = {
  type: 'object',
  required: ['conversionId', 'discordId', 'amount'],
  additionalProperties: true,
  properties: {
    conversionId: { type: 'string', pattern: CONVERSION_ID_PATTERN.source, example: 'cv-8f2a' },
    discordId: { type: 'string', pattern: DISCORD_ID_PATTERN.source, example: '123456789012345678' },
    amount: { type: 'integer', minimum: 1, example: 150, description: 'GC to credit' },
    type: { type: 'string', enum: [...REWARD_TYPES] },
    timestamp: { oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }], description: 'Unix seconds or milliseconds, or ISO 8601' },
  },
};

export class RewardOfferView {
  @ApiProperty({ enum: REWARD_PROVIDERS }) provider: string;
  @ApiProperty({ enum: REWARD_TYPES, description: "What the network's conversions usually are" }) type: string;
  @ApiProperty({ example: 'Surveys' }) label: string;
  @ApiProperty({ example: 'https://surveys.example.com/wall?sub_id=123456789012345678', description: 'Open it to earn; it carries your Discord id' })
  url: string;
}
