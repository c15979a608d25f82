import { EmbedBuilder } from 'discord.js';
import { Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { COMMAND_REACH, DiscordCommands } from '../../discord/discord-commands.decorator';
import { EMBED_FIELDS_MAX, EMBEDS_TOTAL_MAX, pagesBySize } from '../../discord/discord-limits';
import { formatCredits, infoEmbed } from '../../discord/embeds';
import { ListGamesOptions } from './dto/list-games.options';
import { GameType } from './game-catalog';
import { GameCatalogService } from './game-catalog.service';

const TITLE = '🎮 Games';
/** Room left on a page for the title and the footer (`Page 12 of 12 · …`). */
const PAGE_BUDGET = EMBEDS_TOTAL_MAX - TITLE.length - 200;

/** Discord adapter of the game catalog: what GET /games lists. Public, like the price list it is. */
@DiscordCommands()
export class GamesCommands {
  constructor(private readonly catalog: GameCatalogService) {}

  @SlashCommand({ name: 'games', description: 'Game types you can rent, with their hourly cost in GameCredits', ...COMMAND_REACH })
  async listGames(@Context() [interaction]: SlashCommandContext, @Options() options: ListGamesOptions): Promise<void> {
    await interaction.reply({ embeds: [catalogEmbed(this.catalog.games, options.page ?? 1)] });
  }
}

/** One field per game (name; key and price); the catalog is configurable, so it pages by size. */
function gameField(g: GameType): { name: string; value: string; inline: true } {
  return { name: g.name, value: `\`${g.key}\` · ${formatCredits(g.hourlyCost)}/h`, inline: true };
}

function catalogEmbed(games: readonly GameType[], page: number): EmbedBuilder {
  const pages = pagesBySize(games.map(gameField), (f) => f.name.length + f.value.length, EMBED_FIELDS_MAX, PAGE_BUDGET);
  const shown = pages[page - 1];
  if (!shown) {
    return infoEmbed(TITLE, `No page ${page}; the catalog has ${pages.length} page(s).`);
  }
  const more = pages.length > 1 ? `Page ${page} of ${pages.length} (/games page:${page < pages.length ? page + 1 : 1}) · ` : '';
  return infoEmbed(TITLE)
    .addFields(shown)
    .setFooter({ text: `${more}Create one with /servers create (game: the key shown)` });
}
