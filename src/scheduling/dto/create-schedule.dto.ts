import { PartialType } from '@nestjs/swagger';
import { BooleanField, EnumField, StringField } from '../../common/http/api-field.decorator';
import { CRON_MAX_LENGTH, TIMEZONE_MAX_LENGTH } from '../cron';
import { SCHEDULE_ACTIONS, ScheduleAction } from '../schedules.types';

export class CreateScheduleDto {
  @EnumField(SCHEDULE_ACTIONS, { example: 'start' })
  action: ScheduleAction;

  @StringField({ example: '0 8 * * *', description: '5 fields: minute hour day-of-month month day-of-week', maxLength: CRON_MAX_LENGTH })
  cron: string;

  @StringField({
    example: 'Europe/Paris',
    default: 'UTC',
    description: 'IANA time zone the cron is read in',
    maxLength: TIMEZONE_MAX_LENGTH,
    optional: true,
  })
  timezone?: string;

  @BooleanField({ default: true, optional: true })
  enabled?: boolean;
}

/** Every field optional, none nullable: `{"enabled": null}` is refused, not taken as "unchanged". */
export class UpdateScheduleDto extends PartialType(CreateScheduleDto, { skipNullProperties: false }) {}
