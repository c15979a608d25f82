import { EnumListField, IntegerField, StringField, StringListField } from '../../common/http/api-field.decorator';
import { ALLOWED_IP_ENTRY_MAX, ALLOWED_IPS_MAX } from '../../auth/ip-allow-list';
import { SCOPES } from '../../auth/scopes';
import { API_KEY_NAME_MAX, API_KEY_TTL_DAYS_MAX } from '../api-keys.types';

export class CreateApiKeyDto {
  @StringField({ example: 'home automation', maxLength: API_KEY_NAME_MAX, pattern: /\S/, patternMessage: 'name must not be blank' })
  name: string;

  @EnumListField(SCOPES, { minItems: 1, example: ['servers:read', 'profile:read'] })
  scopes: string[];

  @IntegerField({
    min: 1,
    max: API_KEY_TTL_DAYS_MAX,
    optional: true,
    example: 90,
    description: 'Key expires after this many days; omit for no expiry',
  })
  expiresInDays?: number;

  @StringListField({
    maxItems: ALLOWED_IPS_MAX,
    itemMaxLength: ALLOWED_IP_ENTRY_MAX,
    optional: true,
    example: ['203.0.113.7', '2001:db8::/32'],
    description: 'Addresses (IPv4/IPv6, single or CIDR) the key may be used from; omit or [] for anywhere. Other addresses get 403.',
  })
  allowedIps?: string[];
}
