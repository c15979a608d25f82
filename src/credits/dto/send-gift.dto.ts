import { IntegerField, StringField } from '../../common/http/api-field.decorator';
import { GIFT_AMOUNT_MAX, GIFT_NOTE_MAX } from '../gifts.types';

export class SendGiftDto {
  @StringField({
    example: '234567890123456789',
    description: 'Discord id of the receiver (someone who has used agis)',
    maxLength: 20,
    pattern: /^\d{5,20}$/,
    patternMessage: 'toDiscordId must be a Discord snowflake (5-20 digits)',
  })
  toDiscordId: string;

  @IntegerField({ example: 250, min: 1, max: GIFT_AMOUNT_MAX, description: 'GC to give (at most your balance and what is left of the daily limit)' })
  amount: number;

  @StringField({
    example: 'gg, thanks for the carry',
    description: 'Shown to the receiver in their direct message',
    maxLength: GIFT_NOTE_MAX,
    optional: true,
  })
  note?: string;
}
