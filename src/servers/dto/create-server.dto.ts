import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { GAME_TYPE_MAX, SERVER_NAME_MAX, SERVER_NAME_PATTERN } from '../servers.types';

export class CreateServerDto {
  @ApiProperty({ example: 'survival', maxLength: SERVER_NAME_MAX, description: 'Unique among your servers (case-insensitive)' })
  @IsString() @Length(1, SERVER_NAME_MAX)
  @Matches(SERVER_NAME_PATTERN, { message: 'name may hold letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit' })
  name: string;

  @ApiProperty({ example: 'minecraft', description: 'A key from GET /games' })
  @IsString() @MaxLength(GAME_TYPE_MAX)
  gameType: string;

  @ApiPropertyOptional({ default: true, description: 'Start right away (charges the first hour); false only creates the record' })
  @IsOptional() @IsBoolean()
  start?: boolean;
}
