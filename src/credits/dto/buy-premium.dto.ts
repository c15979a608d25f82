import { IntegerField } from '../../common/http/api-field.decorator';
import { PREMIUM_MONTHS_MAX, PREMIUM_MONTHS_MIN } from '../premium.types';

export class BuyPremiumDto {
  @IntegerField({
    example: 1,
    min: PREMIUM_MONTHS_MIN,
    max: PREMIUM_MONTHS_MAX,
    description: 'Months of premium to buy, paid in WTG coins (PREMIUM_PRICE_WTG_PER_MONTH each)',
  })
  months: number;
}
