import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';

export class RevokeApiKeyOptions {
  @StringOption({
    name: 'id',
    description: 'The key to revoke (start typing to pick one of yours)',
    required: true,
    autocomplete: true,
    max_length: CHOICE_VALUE_MAX,
  })
  id: string;
}
