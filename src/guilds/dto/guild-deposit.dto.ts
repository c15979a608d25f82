import { IntegerField } from '../../common/http/api-field.decorator';
import { DEPOSIT_AMOUNT_MAX } from '../guilds.types';

export class GuildDepositDto {
  @IntegerField({ example: 250, min: 1, max: DEPOSIT_AMOUNT_MAX, description: 'GC to move from your balance into the guild treasury' })
  amount: number;
}
