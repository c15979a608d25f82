import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';
import { LOBBY_DESCRIPTION_MAX } from '../../servers/servers.types';

/** `/lobby add server: description:`: the server is autocompleted like /servers start. */
export class LobbyAddOptions {
  @StringOption({
    name: 'server',
    description: 'One of your running servers (start typing its name)',
    required: true,
    autocomplete: true,
    max_length: CHOICE_VALUE_MAX,
  })
  server: string;

  @StringOption({ name: 'description', description: 'A short line shown beside it in the lobby', required: false, max_length: LOBBY_DESCRIPTION_MAX })
  description?: string;
}

/** `/lobby list game:` */
export class LobbyListOptions {
  @StringOption({ name: 'game', description: 'Only servers of this game', required: false, autocomplete: true, max_length: CHOICE_VALUE_MAX })
  game?: string;
}
