import { UseInterceptors } from '@nestjs/common';
import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { Paginated } from '../common/http/envelope';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { infoEmbed, successEmbed } from '../discord/embeds';
import { ServerAutocomplete } from '../servers/discord/server-autocomplete.interceptor';
import { ServerIdOptions } from '../servers/dto/server-id.options';
import { LobbyAddOptions, LobbyListOptions } from './dto/lobby.options';
import { LobbyService } from './lobby.service';
import { LobbyEntryView } from './lobby.types';

/** Servers one /lobby list shows: 10 fields stay well inside an embed's 25 fields and 6,000 characters. */
export const LOBBY_PAGE = 10;

export const LobbyCommand = createCommandGroupDecorator({ name: 'lobby', description: 'Public servers of the community', ...COMMAND_REACH });

/** Discord adapter of LobbyService: the same calls as PATCH /servers/:id and GET /lobby. */
@LobbyCommand()
@DiscordCommands()
@UseInterceptors(ServerAutocomplete)
export class LobbyCommands {
  constructor(private readonly lobby: LobbyService) {}

  @Subcommand({ name: 'list', description: "Running public servers, this server's community first" })
  async listLobby(@Context() [interaction]: SlashCommandContext, @Options() options: LobbyListOptions): Promise<void> {
    const page = await this.lobby.list({ page: 1, perPage: LOBBY_PAGE, gameType: options.game, guildId: interaction.guildId ?? undefined });
    await interaction.reply({ embeds: [lobbyEmbed(page)] });
  }

  @Subcommand({ name: 'add', description: 'List one of your running servers in the public lobby' })
  async addToLobby(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: LobbyAddOptions): Promise<void> {
    const s = await this.lobby.setListing(actor, options.server, { public: true, description: options.description, guildId: interaction.guildId });
    await interaction.reply({
      embeds: [successEmbed('Listed in the lobby', `**${s.name}** shows in /lobby list while it runs; stopping it takes it out.`)],
      flags: MessageFlags.Ephemeral,
    });
  }

  @Subcommand({ name: 'remove', description: 'Take one of your servers out of the public lobby' })
  async removeFromLobby(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ServerIdOptions,
  ): Promise<void> {
    const s = await this.lobby.setListing(actor, options.server, { public: false });
    await interaction.reply({ embeds: [successEmbed('Out of the lobby', `**${s.name}** is no longer listed.`)], flags: MessageFlags.Ephemeral });
  }
}

function lobbyEmbed(page: Paginated<LobbyEntryView>): EmbedBuilder {
  const embed = infoEmbed('🌐 Lobby', page.items.length ? undefined : 'No public server is running right now. List yours with /lobby add.');
  embed.addFields(
    page.items.map((e) => ({
      name: `${e.name} · ${e.gameType}`,
      value: [
        e.description,
        `\`${e.address}${e.port ? `:${e.port}` : ''}\``,
        e.ports.length > 1 ? e.ports.map((p) => `\`${p.name}\` ${p.port}/${p.protocol}`).join(' · ') : null,
        e.players ? `👥 ${e.players.online} / ${e.players.max}` : null,
        `by ${e.owner.username}`,
      ]
        .filter((line): line is string => !!line)
        .join('\n'),
    })),
  );
  if (page.meta.total > page.items.length) {
    embed.setFooter({ text: `${page.items.length} of ${page.meta.total} public servers; GET /api/v1/lobby lists them all` });
  }
  return embed;
}
