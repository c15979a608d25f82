import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { PageQuery } from '../common/http/pagination';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotency.interceptor';
import { CreditTransactionView } from '../credits/credits.types';
import { CreateServerDto } from '../servers/dto/create-server.dto';
import { DeletedServerView, ServerActionView, ServerView } from '../servers/servers.types';
import { SetGuildChannelDto } from './dto/guild-channel.dto';
import { GuildDepositDto } from './dto/guild-deposit.dto';
import { GuildsService } from './guilds.service';
import { GuildChannelView, GuildDepositView, GuildTreasuryView } from './guilds.types';

/**
 * A Discord guild's treasury and servers. A guild is known to a user once they ran a /guild command in it
 * (404 before); managing needs a key scoped guilds:manage of a user the bot last saw with "Manage Server" (403 otherwise).
 */
@ApiTags('guilds')
@ApiParam({ name: 'guildId', description: 'The Discord guild (server) id', example: '123456789012345678' })
@Controller('guilds/:guildId')
export class GuildsController {
  constructor(private readonly guilds: GuildsService) {}

  @Get('treasury')
  @ApiOperation({ summary: "The guild treasury's balance, and whether you may manage the guild's servers" })
  @RequireScopes('profile:read')
  @ApiEnvelope(GuildTreasuryView)
  @ApiErrors(400, 404)
  getGuildTreasury(@CurrentActor() actor: Actor, @Param('guildId') guildId: string): Promise<GuildTreasuryView> {
    return this.guilds.summary(actor, guildId);
  }

  @Get('transactions')
  @ApiOperation({ summary: "The treasury's ledger, newest first: deposits (reference: the member's user id), server hours, refunds" })
  @RequireScopes('profile:read')
  @ApiEnvelope(CreditTransactionView, { list: true })
  @ApiErrors(400, 404)
  listGuildTransactions(
    @CurrentActor() actor: Actor,
    @Param('guildId') guildId: string,
    @Query() page: PageQuery,
  ): Promise<Paginated<CreditTransactionView>> {
    return this.guilds.transactions(actor, guildId, page);
  }

  @Post('deposits')
  @ApiOperation({
    summary: 'Move GameCredits from your balance into the guild treasury (both ledger rows in one transaction)',
    description: 'More than your balance is 422 INSUFFICIENT_CREDITS with nothing moved. A retry with the same Idempotency-Key deposits once.',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(GuildDepositView)
  @ApiErrors(400, 404, 422)
  @Idempotent()
  depositToGuild(
    @CurrentActor() actor: Actor,
    @Param('guildId') guildId: string,
    @Body() body: GuildDepositDto,
    @IdempotencyKey() key?: string,
  ): Promise<GuildDepositView> {
    return this.guilds.deposit(actor, guildId, body.amount, key);
  }

  @Put('channel')
  @ApiOperation({ summary: 'Managers: the channel told when a guild server stops because the treasury cannot pay' })
  @RequireScopes('guilds:manage')
  @ApiEnvelope(GuildChannelView)
  @ApiErrors(400, 403, 404)
  setGuildChannel(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Body() body: SetGuildChannelDto): Promise<GuildChannelView> {
    return this.guilds.setChannel(actor, guildId, body.channelId);
  }

  @Get('servers')
  @ApiOperation({ summary: "The guild's servers (paid from its treasury), newest first" })
  @RequireScopes('servers:read')
  @ApiEnvelope(ServerView, { list: true })
  @ApiErrors(400, 404)
  listGuildServers(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Query() page: PageQuery): Promise<Paginated<ServerView>> {
    return this.guilds.listServers(actor, guildId, page);
  }

  @Post('servers')
  @ApiOperation({ summary: 'Managers: create a guild server and start it, its first hour paid from the treasury (422 when it cannot pay)' })
  @RequireScopes('guilds:manage')
  @ApiEnvelope(ServerView, { status: 201 })
  @ApiErrors(400, 403, 404, 409, 422, 502, 503)
  @Idempotent()
  createGuildServer(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Body() body: CreateServerDto): Promise<ServerView> {
    return this.guilds.createServer(actor, guildId, body);
  }

  @Post('servers/:id/start')
  @ApiOperation({ summary: 'Managers: start a guild server; the treasury pays the next hour unless a paid hour is still running' })
  @RequireScopes('guilds:manage')
  @ApiEnvelope(ServerActionView, { status: 202 })
  @ApiErrors(400, 403, 404, 409, 422, 502, 503)
  @Idempotent()
  startGuildServer(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Param('id') id: string): Promise<ServerActionView> {
    return this.guilds.startServer(actor, guildId, id);
  }

  @Post('servers/:id/stop')
  @ApiOperation({ summary: 'Managers: stop a guild server; the started hour is not refunded' })
  @RequireScopes('guilds:manage')
  @ApiEnvelope(ServerActionView, { status: 202 })
  @ApiErrors(400, 403, 404, 409, 502, 503)
  stopGuildServer(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Param('id') id: string): Promise<ServerActionView> {
    return this.guilds.stopServer(actor, guildId, id);
  }

  @Delete('servers/:id')
  @ApiOperation({ summary: 'Managers: stop a guild server if needed and delete it' })
  @RequireScopes('guilds:manage')
  @ApiEnvelope(DeletedServerView)
  @ApiErrors(400, 403, 404, 502, 503)
  deleteGuildServer(@CurrentActor() actor: Actor, @Param('guildId') guildId: string, @Param('id') id: string): Promise<DeletedServerView> {
    return this.guilds.deleteServer(actor, guildId, id);
  }
}
