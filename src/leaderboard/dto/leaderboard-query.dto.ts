import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { LEADERBOARD_LIMIT_DEFAULT, LEADERBOARD_LIMIT_MAX } from '../leaderboard.types';

export class LeaderboardQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: LEADERBOARD_LIMIT_MAX, default: LEADERBOARD_LIMIT_DEFAULT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(LEADERBOARD_LIMIT_MAX)
  limit = LEADERBOARD_LIMIT_DEFAULT;
}
