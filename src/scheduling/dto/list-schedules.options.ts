import { IntegerOption } from 'necord';
import { PAGE_MAX } from '../../common/http/pagination';

export class ListSchedulesOptions {
  @IntegerOption({
    name: 'page',
    description: 'Page of your schedules, 10 per page (default: 1)',
    required: false,
    min_value: 1,
    max_value: PAGE_MAX,
  })
  page: number | null;
}
