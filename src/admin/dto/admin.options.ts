import type { User } from 'discord.js';
import { IntegerOption, StringOption, UserOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';
import { ADMIN_SEARCH_MAX, CREDIT_ADJUST_MAX, STAFF_REASON_MAX } from '../admin.types';

export class AdminSearchOptions {
  @StringOption({ name: 'query', description: 'Part of a name, or an exact id', required: false, max_length: ADMIN_SEARCH_MAX })
  query?: string;
}

export class AdminServerOptions {
  @StringOption({ name: 'server', description: 'The server id (from /admin servers search)', required: true, max_length: CHOICE_VALUE_MAX })
  server: string;

  @StringOption({ name: 'reason', description: 'Why (the owner is told)', required: true, max_length: STAFF_REASON_MAX })
  reason: string;
}

export class AdminUserOptions {
  @UserOption({ name: 'user', description: 'The member', required: true })
  user: User;
}

export class AdminUserReasonOptions extends AdminUserOptions {
  @StringOption({ name: 'reason', description: 'Why (kept in the activity log)', required: true, max_length: STAFF_REASON_MAX })
  reason: string;
}

/** Not `extends AdminUserOptions`: necord lists a subclass's options first, and Discord wants required ones before optional ones. */
export class AdminLiftOptions {
  @UserOption({ name: 'user', description: 'The member', required: true })
  user: User;

  @StringOption({ name: 'reason', description: 'Why (kept in the activity log)', required: false, max_length: STAFF_REASON_MAX })
  reason?: string;
}

export class AdminCreditsOptions extends AdminUserReasonOptions {
  @IntegerOption({
    name: 'amount',
    description: 'GC to grant (positive) or take (negative)',
    required: true,
    min_value: -CREDIT_ADJUST_MAX,
    max_value: CREDIT_ADJUST_MAX,
  })
  amount: number;
}

export class AdminGameOptions {
  @StringOption({ name: 'game', description: 'The game key (as in /games, or any key in the catalog)', required: true, max_length: CHOICE_VALUE_MAX })
  game: string;
}

export class AdminPriceOptions extends AdminGameOptions {
  @IntegerOption({ name: 'gc_per_hour', description: 'GameCredits per hour, from the next billed hour of each server', required: true, min_value: 1 })
  gcPerHour: number;
}
