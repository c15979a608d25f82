import { MessageFlags } from 'discord.js';
import { Context, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, relativeTime, successEmbed } from '../discord/embeds';
import { DailyBonusService } from './daily-bonus.service';

/** Discord adapter of DailyBonusService: the same claim as POST /users/me/daily. */
@DiscordCommands()
export class DailyBonusCommands {
  constructor(private readonly daily: DailyBonusService) {}

  @SlashCommand({ name: 'daily', description: 'Claim your daily GameCredits bonus (once every 24 hours)', ...COMMAND_REACH })
  async claimDaily(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const bonus = await this.daily.claim(actor);
    const embed = successEmbed(`+${formatCredits(bonus.amount)}`, 'Daily bonus claimed.').addFields(
      { name: 'Balance', value: formatCredits(bonus.balance), inline: true },
      { name: 'Next claim', value: relativeTime(bonus.nextClaimAt), inline: true },
    );
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }
}
