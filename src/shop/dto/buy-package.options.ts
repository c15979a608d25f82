import { StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';
import { WTG_PACKAGES } from '../shop-catalog';

export class BuyPackageOptions {
  @StringOption({
    name: 'package',
    description: 'The WTG coin package to buy',
    required: true,
    max_length: CHOICE_VALUE_MAX,
    choices: WTG_PACKAGES.map((p) => ({ name: `${p.name} · ${(p.priceCents / 100).toFixed(2)} ${p.currency}`, value: p.id })),
  })
  package: string;
}
