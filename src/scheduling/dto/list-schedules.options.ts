import { IntegerOption } from 'necord';

export class ListSchedulesOptions {
  @IntegerOption({ name: 'page', description: 'Page of your schedules, 10 per page (default: 1)', required: false, min_value: 1 })
  page: number | null;
}
