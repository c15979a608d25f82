import { IntegerField } from '../../common/http/api-field.decorator';
import { LOG_TAIL_DEFAULT, LOG_TAIL_MAX } from '../servers.types';

export class ServerLogsDto {
  @IntegerField({ optional: true, query: true, min: 1, max: LOG_TAIL_MAX, default: LOG_TAIL_DEFAULT, description: 'How many of the newest lines' })
  tail?: number;
}
