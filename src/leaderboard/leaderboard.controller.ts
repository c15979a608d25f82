import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { LeaderboardQuery } from './dto/leaderboard-query.dto';
import { LeaderboardService } from './leaderboard.service';
import { LeaderboardView } from './leaderboard.types';

const ORDER = 'Ties: the older account ranks first, then the lower user id.';

@ApiTags('leaderboard')
@Controller('leaderboard')
export class LeaderboardController {
  constructor(private readonly leaderboard: LeaderboardService) {}

  @Get('credits')
  @ApiOperation({ summary: 'Top users by GameCredits balance, with your own rank', description: ORDER })
  @RequireScopes('profile:read')
  @ApiEnvelope(LeaderboardView)
  @ApiErrors(400)
  getCreditsLeaderboard(@CurrentActor() actor: Actor, @Query() query: LeaderboardQuery): Promise<LeaderboardView> {
    return this.leaderboard.board(actor, 'credits', query);
  }

  @Get('servers')
  @ApiOperation({ summary: 'Top users by servers owned, with your own rank', description: ORDER })
  @RequireScopes('profile:read')
  @ApiEnvelope(LeaderboardView)
  @ApiErrors(400)
  getServersLeaderboard(@CurrentActor() actor: Actor, @Query() query: LeaderboardQuery): Promise<LeaderboardView> {
    return this.leaderboard.board(actor, 'servers', query);
  }
}
