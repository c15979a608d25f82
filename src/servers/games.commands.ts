import { EmbedBuilder } from 'discord.js';
import { Context, SlashCommand, SlashCommandContext } from 'necord';
import { DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, infoEmbed } from '../discord/embeds';
import { GameType } from './game-catalog';
import { GameCatalogService } from './game-catalog.service';

/** Discord adapter of the game catalog: what GET /games lists. Public, like the price list it is. */
@DiscordCommands()
export class GamesCommands {
  constructor(private readonly catalog: GameCatalogService) {}

  @SlashCommand({ name: 'games', description: 'Game types you can rent, with their hourly cost in GameCredits' })
  async listGames(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.reply({ embeds: [catalogEmbed(this.catalog.games)] });
  }
}

function catalogEmbed(games: readonly GameType[]): EmbedBuilder {
  const lines = games.map((g) => `**${g.name}** · \`${g.key}\` · ${formatCredits(g.hourlyCost)}/h`);
  return infoEmbed('🎮 Games', lines.join('\n')).setFooter({ text: 'Create one with /servers create (game: the key shown)' });
}
