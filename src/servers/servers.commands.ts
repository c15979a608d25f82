import { UseInterceptors } from '@nestjs/common';
import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../common/actor';
import { Paginated } from '../common/envelope';
import { PER_PAGE_MAX } from '../common/pagination';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { DiscordCommands } from '../discord/discord-commands.decorator';
import { COLORS, formatCredits, infoEmbed, relativeTime, statusEmbed, statusLine } from '../discord/embeds';
import { CreateServerOptions } from './dto/create-server.options';
import { ServerIdOptions } from './dto/server-id.options';
import { ServerAutocomplete } from './server-autocomplete.interceptor';
import { deleteButtons } from './servers.components';
import { ServersService } from './servers.service';
import { ServerActionView, ServerView } from './servers.types';

export const ServersCommand = createCommandGroupDecorator({ name: 'servers', description: 'Create, start, stop and delete your game servers' });

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
  async createServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: CreateServerOptions): Promise<void> {
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
  async restartServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [actionEmbed(await this.servers.restart(actor, options.server), 'Restarting')] });
  }

  @Subcommand({ name: 'delete', description: 'Delete a server (asks to confirm; a running server is stopped first)' })
  async deleteServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: ServerIdOptions): Promise<void> {
    const server = await this.servers.get(actor, options.server);
    await interaction.reply({
      embeds: [new EmbedBuilder().setColor(COLORS.warning).setTitle(`⚠️ Delete ${server.name}?`)
        .setDescription(`This stops **${server.name}** (${server.gameType}) if it runs and deletes it for good.`)],
      components: [deleteButtons(server.id, interaction.user.id)],
      flags: MessageFlags.Ephemeral,
    });
  }
}

/** `203.0.113.10:7034` once players can connect; null before. */
function addressOf(s: ServerView): string | null {
  return s.status === 'running' && s.address ? `${s.address}${s.port ? `:${s.port}` : ''}` : null;
}

function serverEmbed(s: ServerView, description?: string): EmbedBuilder {
  const address = addressOf(s);
  const embed = statusEmbed(s.name, s.status).addFields(
    { name: 'Game', value: s.gameType, inline: true },
    { name: 'Cost', value: `${formatCredits(s.costPerHour)} / hour`, inline: true },
    { name: 'Address', value: address ? `\`${address}\`` : 'once running', inline: true },
  );
  if (s.billedUntil) {
    embed.addFields({ name: 'Paid until', value: relativeTime(s.billedUntil), inline: true });
  }
  if (s.lastError) {
    embed.addFields({ name: 'Last error', value: s.lastError.slice(0, 1024) });
  }
  if (s.stopReason && s.status === 'stopped') {
    embed.addFields({ name: 'Stopped because', value: s.stopReason.replace(/_/g, ' '), inline: true });
  }
  embed.setFooter({ text: `id ${s.id}` });
  return description ? embed.setDescription(description) : embed;
}

function actionEmbed(s: ServerActionView, verb: string): EmbedBuilder {
  const follow = s.status === s.targetStatus ? '' : ' `/servers info` shows when it gets there.';
  return serverEmbed(s, `${verb}: on its way to **${s.targetStatus}**.${follow}`);
}

function listEmbed(page: Paginated<ServerView>): EmbedBuilder {
  if (page.items.length === 0) {
    return infoEmbed('🖥️ Your servers', 'You have no servers yet. Create one with `/servers create` (prices: `/games`).');
  }
  const lines = page.items.map((s) => {
    const address = addressOf(s);
    return `${statusLine(s.status)} **${s.name}** · ${s.gameType} · ${formatCredits(s.costPerHour)}/h${address ? ` · \`${address}\`` : ''}`;
  });
  return infoEmbed('🖥️ Your servers', lines.join('\n')).setFooter({ text: `${page.meta.total} server(s)` });
}
