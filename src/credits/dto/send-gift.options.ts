import type { User } from 'discord.js';
import { IntegerOption, StringOption, UserOption } from 'necord';
import { GIFT_AMOUNT_MAX, GIFT_NOTE_MAX } from '../gifts.types';

export class SendGiftOptions {
  @UserOption({ name: 'user', description: 'Who receives the GameCredits', required: true })
  user: User;

  @IntegerOption({
    name: 'amount',
    description: 'GC to give (up to your balance and the daily gift limit)',
    required: true,
    min_value: 1,
    max_value: GIFT_AMOUNT_MAX,
  })
  amount: number;

  @StringOption({ name: 'note', description: 'A message shown to them with the gift', required: false, max_length: GIFT_NOTE_MAX })
  note?: string;
}
