import { IntegerField } from '../../common/http/api-field.decorator';
import { CONVERT_WTG_MAX } from '../shop-catalog';

export class ConvertWtgDto {
  @IntegerField({ example: 2, min: 1, max: CONVERT_WTG_MAX, description: 'WTG coins to convert (1 WTG = 1000 GC)' })
  wtg: number;
}
