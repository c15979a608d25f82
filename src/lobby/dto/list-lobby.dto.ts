import { StringField } from '../../common/http/api-field.decorator';
import { PageQuery } from '../../common/http/pagination';
import { GAME_TYPE_MAX } from '../../servers/servers.types';

export class ListLobbyDto extends PageQuery {
  @StringField({ example: 'minecraft', maxLength: GAME_TYPE_MAX, optional: true, description: 'A key from GET /games' })
  gameType?: string;
}
