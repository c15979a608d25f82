import { StringOption } from 'necord';

export class ScheduleIdOptions {
  @StringOption({ name: 'id', description: 'One of your schedules (start typing its server, action or cron)', required: true, autocomplete: true })
  id: string;
}
