import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/auth.decorators';
import { ApiEnvelope } from '../../common/http/api-docs.decorator';
import { GameCatalogService } from './game-catalog.service';
import { GameView, toGameView } from '../servers.types';

/** The price list is public: a storefront or a Discord bot can show it before anyone has a key. */
@ApiTags('servers')
@Public()
@Controller('games')
export class GamesController {
  constructor(private readonly catalog: GameCatalogService) {}

  @Get()
  @ApiOperation({ summary: 'Game types you can rent, with their hourly cost in GameCredits (no key needed)' })
  @ApiEnvelope(GameView, { list: true, paged: false })
  listGames(): GameView[] {
    return this.catalog.games.map(toGameView);
  }
}
