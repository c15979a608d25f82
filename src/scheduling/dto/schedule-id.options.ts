import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';

export class ScheduleIdOptions {
  @StringOption({
    name: 'id',
    description: 'One of your schedules (start typing its server, action or cron)',
    required: true,
    autocomplete: true,
    max_length: CHOICE_VALUE_MAX,
  })
  id: string;
}
