import { BooleanOption, StringOption } from 'necord';
import { GAME_TYPE_MAX, SERVER_NAME_MAX } from '../servers.types';

export class CreateServerOptions {
  @StringOption({
    name: 'name',
    description: 'Unique among your servers: letters, digits, spaces, dots, dashes, underscores',
    required: true,
    min_length: 1,
    max_length: SERVER_NAME_MAX,
  })
  name: string;

  @StringOption({
    name: 'game',
    description: 'Game type (start typing to pick one; /games lists prices)',
    required: true,
    autocomplete: true,
    max_length: GAME_TYPE_MAX,
  })
  game: string;

  @BooleanOption({ name: 'start', description: 'Start it right away, paying the first hour (default: yes)', required: false })
  start: boolean | null;
}
