import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CRON_MAX_LENGTH } from '../cron';
import { SCHEDULE_ACTIONS, ScheduleAction } from '../schedule.entity';

export class CreateScheduleDto {
  @ApiProperty({ enum: SCHEDULE_ACTIONS, example: 'start' })
  @IsIn(SCHEDULE_ACTIONS, { message: `action must be one of: ${SCHEDULE_ACTIONS.join(', ')}` })
  action: ScheduleAction;

  @ApiProperty({ example: '0 8 * * *', description: '5 fields: minute hour day-of-month month day-of-week', maxLength: CRON_MAX_LENGTH })
  @IsString() @MaxLength(CRON_MAX_LENGTH)
  cron: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC', description: 'IANA time zone the cron is read in' })
  @IsOptional() @IsString() @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

export class UpdateScheduleDto extends PartialType(CreateScheduleDto) {}
