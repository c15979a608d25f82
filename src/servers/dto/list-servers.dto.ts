import { EnumField, StringField } from '../../common/http/api-field.decorator';
import { PageQuery } from '../../common/http/pagination';
import { SERVER_STATUSES, ServerStatus } from '../lifecycle/server-status';
import { GAME_TYPE_MAX } from '../servers.types';

export class ListServersDto extends PageQuery {
  @StringField({ example: 'minecraft', maxLength: GAME_TYPE_MAX, optional: true, description: 'A key from GET /games' })
  gameType?: string;

  @EnumField(SERVER_STATUSES, { optional: true })
  status?: ServerStatus;
}
