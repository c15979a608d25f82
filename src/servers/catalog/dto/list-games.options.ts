import { IntegerOption } from 'necord';
import { PAGE_MAX } from '../../../common/http/pagination';

export class ListGamesOptions {
  @IntegerOption({
    name: 'page',
    description: 'Page of the catalog when it has more than one (default: 1)',
    required: false,
    min_value: 1,
    max_value: PAGE_MAX,
  })
  page: number | null;
}
