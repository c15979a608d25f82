import { Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service';
import { ActivityView } from '../activity/activity.types';
import { Actor } from '../auth/actor';
import { LeaderboardService } from '../leaderboard/leaderboard.service';
import { ServerListingsService } from '../servers/server-listings.service';
import { UsersService } from '../users/users.service';
import { ProfileView } from '../users/users.types';

/** Entries of the activity log /profile shows. */
export const PROFILE_RECENT = 5;

export interface ProfileSummary {
  profile: ProfileView;
  servers: { total: number; running: number };
  /** Position on the GC leaderboard. */
  rank: number;
  recent: ActivityView[];
}

/** Everything /profile shows, each part read through the service that owns it. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersService,
    private readonly servers: ServerListingsService,
    private readonly leaderboard: LeaderboardService,
    private readonly activity: ActivityService,
  ) {}

  async summary(actor: Actor): Promise<ProfileSummary> {
    const [profile, servers, board, recent] = await Promise.all([
      this.users.getProfile(actor),
      this.servers.countsOf(actor),
      this.leaderboard.board(actor, 'credits', { limit: 1 }),
      this.activity.list(actor, { page: 1, perPage: PROFILE_RECENT }),
    ]);
    return { profile, servers, rank: board.you.rank, recent: recent.items };
  }
}
