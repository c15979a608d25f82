import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../../auth/auth.decorators';
import { Actor } from '../../auth/actor';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorator';
import { SaveGameDto } from './dto/save-game.dto';
import { GAME_KEY } from './game-catalog';
import { GameCatalogService } from './game-catalog.service';
import { CatalogGameView } from './game-catalog.types';

/** Staff's side of the game catalog: prices, new games, withdrawn games (every change lands in the staff member's activity log). */
@ApiTags('admin')
@Controller('admin/games')
export class GamesAdminController {
  constructor(private readonly catalog: GameCatalogService) {}

  @Get()
  @ApiOperation({ summary: 'The whole game catalog, withdrawn games included, as PUT takes it' })
  @RequireScopes('admin')
  @ApiEnvelope(CatalogGameView, { list: true, paged: false })
  listCatalogGames(@CurrentActor() actor: Actor): Promise<CatalogGameView[]> {
    return this.catalog.listAll(actor);
  }

  @Put(':key')
  @ApiOperation({
    summary:
      "Add or replace a game (the full entry, checked like GAME_CATALOG_FILE). A new price applies from each server's next billed hour; " +
      'enabled: false withdraws the game. Every replica has it within CATALOG_REFRESH_MS',
  })
  @ApiParam({ name: 'key', schema: { type: 'string', pattern: GAME_KEY.source, example: 'minecraft' } })
  @RequireScopes('admin')
  @ApiEnvelope(CatalogGameView)
  @ApiErrors(400)
  saveCatalogGame(@CurrentActor() actor: Actor, @Param('key') key: string, @Body() body: SaveGameDto): Promise<CatalogGameView> {
    return this.catalog.upsert(actor, { ...body, key });
  }
}
