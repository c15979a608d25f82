import { StringOption } from 'necord';

export class RevokeApiKeyOptions {
  @StringOption({ name: 'id', description: 'The key to revoke (start typing to pick one of yours)', required: true, autocomplete: true })
  id: string;
}
