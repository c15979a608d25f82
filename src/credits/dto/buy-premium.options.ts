import { IntegerOption } from 'necord';
import { PREMIUM_MONTHS_MAX, PREMIUM_MONTHS_MIN } from '../premium.types';

export class BuyPremiumOptions {
  @IntegerOption({
    name: 'months',
    description: `Months of premium to buy with WTG coins (${PREMIUM_MONTHS_MIN}-${PREMIUM_MONTHS_MAX})`,
    required: true,
    min_value: PREMIUM_MONTHS_MIN,
    max_value: PREMIUM_MONTHS_MAX,
  })
  months: number;
}
