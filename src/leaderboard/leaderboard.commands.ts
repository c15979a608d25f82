import { EmbedBuilder } from 'discord.js';
import { Context, createCommandGroupDecorator, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, infoEmbed } from '../discord/embeds';
import { LeaderboardService } from './leaderboard.service';
import { Board } from '../users/user-rankings.types';
import { LEADERBOARD_LIMIT_DEFAULT, LeaderboardView } from './leaderboard.types';

export const LeaderboardCommand = createCommandGroupDecorator({
  name: 'leaderboard',
  description: 'Top players by GameCredits or by servers, with your rank',
  ...COMMAND_REACH,
});

const TITLE: Record<Board, string> = { credits: '🏆 Richest players', servers: '🏆 Biggest hosts' };
const MEDALS = ['🥇', '🥈', '🥉'];
const VALUE: Record<Board, (v: number) => string> = { credits: formatCredits, servers: (v) => `${v} server${v === 1 ? '' : 's'}` };

/** Discord adapter of LeaderboardService: the same boards as GET /leaderboard/credits|servers. */
@LeaderboardCommand()
@DiscordCommands()
export class LeaderboardCommands {
  constructor(private readonly leaderboard: LeaderboardService) {}

  @Subcommand({ name: 'credits', description: 'Top 10 players by GameCredits balance, and your rank' })
  async showCreditsBoard(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const view = await this.leaderboard.board(actor, 'credits', { limit: LEADERBOARD_LIMIT_DEFAULT });
    await interaction.reply({ embeds: [boardEmbed(view, interaction.user.id)] });
  }

  @Subcommand({ name: 'servers', description: 'Top 10 players by servers owned, and your rank' })
  async showServersBoard(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const view = await this.leaderboard.board(actor, 'servers', { limit: LEADERBOARD_LIMIT_DEFAULT });
    await interaction.reply({ embeds: [boardEmbed(view, interaction.user.id)] });
  }
}

function boardEmbed(view: LeaderboardView, callerDiscordId: string | undefined): EmbedBuilder {
  const format = VALUE[view.board];
  const lines = view.entries.map((e) => {
    const line = `${MEDALS[e.rank - 1] ?? `**${e.rank}.**`} ${e.username} · ${format(e.value)}`;
    return e.discordId === callerDiscordId ? `${line} ← you` : line;
  });
  return infoEmbed(TITLE[view.board], lines.join('\n') || 'Nobody is on this board yet.').addFields({
    name: 'Your rank',
    value: `#${view.you.rank.toLocaleString('en-US')} · ${format(view.you.value)}`,
  });
}
