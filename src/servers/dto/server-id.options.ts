import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';

/** `server:` of /servers info|start|stop|restart|delete: autocomplete shows names, the value is the id. */
export class ServerIdOptions {
  @StringOption({
    name: 'server',
    description: 'One of your servers (start typing its name)',
    required: true,
    autocomplete: true,
    max_length: CHOICE_VALUE_MAX,
  })
  server: string;
}
