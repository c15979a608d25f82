import { UseInterceptors } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../../auth/actor';
import { PER_PAGE_MAX } from '../../common/http/pagination';
import { DiscordActor } from '../../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../../discord/discord-commands.decorator';
import { warningEmbed } from '../../discord/embeds';
import { CreateServerOptions } from '../dto/create-server.options';
import { ServerIdOptions } from '../dto/server-id.options';
import { actionEmbed, listEmbed, logsEmbed, serverEmbed } from './server-embeds';
import { ServerAutocomplete } from './server-autocomplete.interceptor';
import { deleteButtons } from './servers.components';
import { ServersService } from '../servers.service';

/** Lines asked for a Discord reply: more would not fit one embed anyway. */
const DISCORD_LOG_TAIL = 60;

export const ServersCommand = createCommandGroupDecorator({
  name: 'servers',
  description: 'Create, start, stop and delete your game servers',
  ...COMMAND_REACH,
});

/**
 * Discord adapter of ServersService: the same calls as /servers. Answers are ephemeral (addresses
 * are the owner's business); calls that reach Agones defer first, so errors edit the deferral.
 */
@ServersCommand()
@DiscordCommands()
@UseInterceptors(ServerAutocomplete)
export class ServersCommands {
  constructor(private readonly servers: ServersService) {}

  @Subcommand({ name: 'list', description: 'Your servers with their status, address and hourly cost' })
  async listServers(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const page = await this.servers.list(actor, { page: 1, perPage: PER_PAGE_MAX });
    await interaction.reply({ embeds: [listEmbed(page)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'create', description: 'Create a server and start it (charges its first hour)' })
  async createServer(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateServerOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const server = await this.servers.create(actor, { name: options.name, gameType: options.game, start: options.start ?? undefined });
    await interaction.editReply({ embeds: [serverEmbed(server, 'Server created.')] });
  }

  @Subcommand({ name: 'info', description: 'Status, address and cost of one of your servers' })
  async showServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    const server = await this.servers.get(actor, options.server);
    await interaction.reply({ embeds: [serverEmbed(server)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'start', description: 'Start a stopped server (pays the next hour unless a paid one is running)' })
  async startServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [actionEmbed(await this.servers.start(actor, options.server), 'Starting')] });
  }

  @Subcommand({ name: 'stop', description: 'Stop a server; the started hour is not refunded' })
  async stopServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [actionEmbed(await this.servers.stop(actor, options.server), 'Stopping')] });
  }

  @Subcommand({ name: 'restart', description: 'Restart a running server; no charge, the paid hour carries on' })
  async restartServer(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ServerIdOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [actionEmbed(await this.servers.restart(actor, options.server), 'Restarting')] });
  }

  @Subcommand({ name: 'logs', description: "The last lines your server's game wrote" })
  async showLogs(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const server = await this.servers.get(actor, options.server);
    await interaction.editReply({ embeds: [logsEmbed(server.name, await this.servers.logs(actor, server.id, DISCORD_LOG_TAIL))] });
  }

  @Subcommand({ name: 'delete', description: 'Delete a server (asks to confirm; a running server is stopped first)' })
  async deleteServer(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ServerIdOptions,
  ): Promise<void> {
    const server = await this.servers.get(actor, options.server);
    await interaction.reply({
      embeds: [warningEmbed(`⚠️ Delete ${server.name}?`, `This stops **${server.name}** (${server.gameType}) if it runs and deletes it for good.`)],
      components: [deleteButtons(server.id, interaction.user.id)],
      flags: MessageFlags.Ephemeral,
    });
  }
}
