import { StringOption } from 'necord';
import { HISTORY_CURRENCIES } from '../transactions.components';

export class TransactionsOptions {
  @StringOption({
    name: 'currency',
    description: 'Which ledger: GameCredits (default) or WTG coins',
    required: false,
    max_length: 3,
    choices: [
      { name: 'GameCredits (GC)', value: HISTORY_CURRENCIES[0] },
      { name: 'WTG coins', value: HISTORY_CURRENCIES[1] },
    ],
  })
  currency?: (typeof HISTORY_CURRENCIES)[number];
}
