import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags } from 'discord.js';
import { Context, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { infoEmbed } from '../discord/embeds';
import { RewardOffersService } from './reward-offers.service';

/** Discord adapter of RewardOffersService: the same links as GET /rewards/offers, as link buttons. */
@DiscordCommands()
export class RewardOffersCommands {
  constructor(private readonly offers: RewardOffersService) {}

  @SlashCommand({ name: 'earn', description: 'Earn GameCredits from offers, surveys and videos', ...COMMAND_REACH })
  async showOffers(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const offers = await this.offers.offers(actor);
    if (offers.length === 0) {
      const none = infoEmbed('💸 Earn GameCredits', 'No ad offers are set up here yet. You can still claim /daily and /work.');
      await interaction.reply({ embeds: [none], flags: MessageFlags.Ephemeral });
      return;
    }
    const embed = infoEmbed(
      '💸 Earn GameCredits',
      'Complete an offer, a survey or a video: the GameCredits arrive once the network confirms it. The links are yours; do not share them.',
    );
    // A link button opens the URL in the user's browser; Discord sends no interaction for it. At most 5 per row (3 providers).
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      offers.map((o) => new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(o.label).setURL(o.url)),
    );
    await interaction.reply({ embeds: [embed], components: [row], flags: MessageFlags.Ephemeral });
  }
}
