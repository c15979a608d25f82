import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';
import { CRON_MAX_LENGTH, TIMEZONE_MAX_LENGTH } from '../cron';

/** `/schedule start|stop|restart`: the action is the subcommand itself. */
export class CreateScheduleOptions {
  @StringOption({
    name: 'server',
    description: 'One of your servers (start typing its name)',
    required: true,
    autocomplete: true,
    max_length: CHOICE_VALUE_MAX,
  })
  server: string;

  @StringOption({
    name: 'cron',
    description: '5 fields: minute hour day-of-month month day-of-week, e.g. 0 8 * * * (see /schedule help)',
    required: true,
    min_length: 1,
    max_length: CRON_MAX_LENGTH,
  })
  cron: string;

  @StringOption({
    name: 'timezone',
    description: 'IANA time zone the cron is read in, e.g. Europe/Paris (default: UTC)',
    required: false,
    autocomplete: true,
    max_length: TIMEZONE_MAX_LENGTH,
  })
  timezone: string | null;
}
