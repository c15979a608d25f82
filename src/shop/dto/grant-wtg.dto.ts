import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { GRANT_REFERENCE_MAX, GRANT_WTG_MAX } from '../shop-catalog';

export class GrantWtgDto {
  @ApiProperty({ example: '123456789012345678', description: 'Discord id of the buyer' })
  @IsString() @Matches(/^\d{5,20}$/, { message: 'discordId must be a Discord snowflake (5-20 digits)' })
  discordId: string;

  @ApiProperty({ example: 11, minimum: 1, maximum: GRANT_WTG_MAX })
  @IsInt() @Min(1) @Max(GRANT_WTG_MAX)
  coins: number;

  @ApiProperty({ example: 'order-2026-000123', description: 'The payment\'s unique id: a reference is granted once' })
  @IsString() @Matches(new RegExp(`^[\\x21-\\x7e]{1,${GRANT_REFERENCE_MAX}}$`), { message: `reference must be 1-${GRANT_REFERENCE_MAX} printable ASCII characters` })
  reference: string;
}
