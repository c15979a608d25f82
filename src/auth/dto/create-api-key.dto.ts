import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
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
}
