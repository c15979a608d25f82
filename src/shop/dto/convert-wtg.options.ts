import { IntegerOption } from 'necord';
import { CONVERT_WTG_MAX, GC_PER_WTG } from '../shop-catalog';

export class ConvertWtgOptions {
  @IntegerOption({
    name: 'wtg',
    description: `WTG coins to convert (1 WTG = ${GC_PER_WTG} GC, one-way)`,
    required: true,
    min_value: 1,
    max_value: CONVERT_WTG_MAX,
  })
  wtg: number;
}
