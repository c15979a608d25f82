import { EnumField } from '../../common/http/api-field.decorator';
import { WTG_PACKAGE_IDS } from '../shop-catalog';

export class CheckoutDto {
  @EnumField(WTG_PACKAGE_IDS, { example: 'wtg-11', description: 'The WTG package to buy (GET /shop lists them)' })
  packageId: string;
}
