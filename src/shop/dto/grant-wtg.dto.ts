import { IntegerField, StringField } from '../../common/http/api-field.decorator';
import { GRANT_REFERENCE_MAX, GRANT_WTG_MAX } from '../shop-catalog';

export class GrantWtgDto {
  @StringField({
    example: '123456789012345678',
    description: 'Discord id of the buyer',
    maxLength: 20,
    pattern: /^\d{5,20}$/,
    patternMessage: 'discordId must be a Discord snowflake (5-20 digits)',
  })
  discordId: string;

  @IntegerField({ example: 11, min: 1, max: GRANT_WTG_MAX })
  coins: number;

  @StringField({
    example: 'order-2026-000123',
    description: "The payment's unique id: a reference is granted once",
    maxLength: GRANT_REFERENCE_MAX,
    pattern: new RegExp(`^[\\x21-\\x7e]{1,${GRANT_REFERENCE_MAX}}$`),
    patternMessage: `reference must be 1-${GRANT_REFERENCE_MAX} printable ASCII characters`,
  })
  reference: string;
}
