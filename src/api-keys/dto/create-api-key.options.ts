import { IntegerOption, StringOption } from 'necord';
import { SCOPES } from '../../auth/scopes';
import { API_KEY_NAME_MAX, API_KEY_TTL_DAYS_MAX } from '../api-keys.types';

/** Room for every scope, comma-and-space separated: the longest `scopes:` text that can mean anything. */
export const SCOPES_TEXT_MAX = SCOPES.join(', ').length;

export class CreateApiKeyOptions {
  @StringOption({
    name: 'name',
    description: 'A label for the key, e.g. "home automation"',
    required: true,
    min_length: 1,
    max_length: API_KEY_NAME_MAX,
  })
  name: string;

  @StringOption({
    name: 'scopes',
    description: 'Comma-separated scopes, e.g. servers:read,profile:read (default: all yours)',
    required: false,
    max_length: SCOPES_TEXT_MAX,
  })
  scopes: string | null;

  @IntegerOption({
    name: 'expires_in_days',
    description: 'Days until the key expires (default: never)',
    required: false,
    min_value: 1,
    max_value: API_KEY_TTL_DAYS_MAX,
  })
  expiresInDays: number | null;
}
