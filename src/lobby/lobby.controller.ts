import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Public, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { ListLobbyDto } from './dto/list-lobby.dto';
import { SetListingDto } from './dto/set-listing.dto';
import { LobbyService } from './lobby.service';
import { ListedServerView, LobbyEntryView } from './lobby.types';

/** REST adapter of LobbyService: PATCH /servers/:id lists a server, GET /lobby reads the listed ones (no key needed). */
@ApiTags('lobby')
@Controller()
export class LobbyController {
  constructor(private readonly lobby: LobbyService) {}

  @Patch('servers/:id')
  @ApiOperation({ summary: 'List your running server in the public lobby with a short description, or take it out (public: false)' })
  @RequireScopes('servers:write')
  @ApiEnvelope(ListedServerView)
  @ApiErrors(400, 404, 409)
  updateServerListing(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: SetListingDto): Promise<ListedServerView> {
    return this.lobby.setListing(actor, id, { public: body.public, description: body.description });
  }

  @Get('lobby')
  @Public()
  @ApiOperation({ summary: 'Public servers that are running, newest change first; filter by gameType. No API key needed' })
  @ApiEnvelope(LobbyEntryView, { list: true })
  @ApiErrors(400)
  listLobby(@Query() query: ListLobbyDto): Promise<Paginated<LobbyEntryView>> {
    return this.lobby.list(query);
  }
}
