import { IntegerField } from '../../common/http/api-field.decorator';
import { LEADERBOARD_LIMIT_DEFAULT, LEADERBOARD_LIMIT_MAX } from '../leaderboard.types';

export class LeaderboardQuery {
  @IntegerField({ min: 1, max: LEADERBOARD_LIMIT_MAX, default: LEADERBOARD_LIMIT_DEFAULT, optional: true, query: true })
  limit = LEADERBOARD_LIMIT_DEFAULT;
}
