import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ALLOWED_IP_ENTRY_MAX, ALLOWED_IPS_MAX } from '../ip-allow-list';
import { API_KEY_NAME_MAX, API_KEY_TTL_DAYS_MAX, SCOPES } from '../scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'home automation', maxLength: API_KEY_NAME_MAX })
  @IsString() @MaxLength(API_KEY_NAME_MAX) @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['servers:read', 'profile:read'] })
  @ArrayMinSize(1) @ArrayMaxSize(SCOPES.length) @ArrayUnique() @IsIn(SCOPES, { each: true })
  scopes: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: API_KEY_TTL_DAYS_MAX, description: 'Key expires after this many days; omit for no expiry' })
  @IsOptional() @IsInt() @Min(1) @Max(API_KEY_TTL_DAYS_MAX)
  expiresInDays?: number;

  @ApiPropertyOptional({ type: [String], maxItems: ALLOWED_IPS_MAX, example: ['203.0.113.7', '2001:db8::/32'],
    description: 'Addresses (IPv4/IPv6, single or CIDR) the key may be used from; omit or [] for anywhere. Other addresses get 403.' })
  @IsOptional() @IsArray() @ArrayMaxSize(ALLOWED_IPS_MAX) @IsString({ each: true }) @MaxLength(ALLOWED_IP_ENTRY_MAX, { each: true })
  allowedIps?: string[];
}
