import { MessageFlags } from 'discord.js';
import { Context, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, relativeTime, successEmbed } from '../discord/embeds';
import { WorkService } from './work.service';

/** Discord adapter of WorkService: the same claim as POST /users/me/work. */
@DiscordCommands()
export class WorkCommands {
  constructor(private readonly work: WorkService) {}

  @SlashCommand({
    name: 'work',
    description: 'Work a shift for GameCredits (once per cooldown, 1 h by default; premium earns double)',
    ...COMMAND_REACH,
  })
  async claimWork(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const shift = await this.work.claim(actor);
    const embed = successEmbed(`+${formatCredits(shift.amount)}`, 'Shift done.').addFields(
      { name: 'Balance', value: formatCredits(shift.balance), inline: true },
      { name: 'Next shift', value: relativeTime(shift.nextClaimAt), inline: true },
    );
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }
}
