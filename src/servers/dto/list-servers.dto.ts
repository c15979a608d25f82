import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { SERVER_STATUSES, ServerStatus } from '../server-status';
import { GAME_TYPE_MAX } from '../servers.types';

export class ListServersDto extends PageQuery {
  @ApiPropertyOptional({ example: 'minecraft' })
  @IsOptional() @IsString() @MaxLength(GAME_TYPE_MAX)
  gameType?: string;

  @ApiPropertyOptional({ enum: SERVER_STATUSES })
  @IsOptional() @IsIn(SERVER_STATUSES)
  status?: ServerStatus;
}
