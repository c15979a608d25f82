import { IntegerField, StringField } from '../../common/http/api-field.decorator';
import { PageQuery } from '../../common/http/pagination';
import { ADMIN_SEARCH_MAX, CREDIT_ADJUST_MAX, STAFF_REASON_MAX } from '../admin.types';

export class AdminSearchDto extends PageQuery {
  @StringField({ example: 'survival', maxLength: ADMIN_SEARCH_MAX, optional: true, description: 'Part of a name, or an exact id / Discord id' })
  search?: string;
}

export class StaffReasonDto {
  @StringField({ example: 'Breaks the rules: crypto mining', maxLength: STAFF_REASON_MAX, minLength: 1, description: 'Told to the owner' })
  reason: string;
}

export class AdjustCreditsDto extends StaffReasonDto {
  @IntegerField({ example: 250, min: -CREDIT_ADJUST_MAX, max: CREDIT_ADJUST_MAX, description: 'Signed GC: positive grants, negative takes' })
  amount: number;
}

export class LiftSuspensionDto {
  @StringField({ example: 'Appeal accepted', maxLength: STAFF_REASON_MAX, minLength: 1, optional: true, description: 'Kept in the activity log' })
  reason?: string;
}
