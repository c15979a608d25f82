import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatWtg, infoEmbed, successEmbed } from '../discord/embeds';
import { BuyPremiumOptions } from './dto/buy-premium.options';
import { PremiumService } from './premium.service';
import { PremiumStatusView } from './premium.types';

export const PremiumCommand = createCommandGroupDecorator({
  name: 'premium',
  description: 'Premium: double daily bonus and /work rewards, bought with WTG coins',
  ...COMMAND_REACH,
});

/** A date as a Discord timestamp (`March 1, 2026`), shown in each reader's own zone. */
const day = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:D>`;

/** Discord adapter of PremiumService: the same calls as GET and POST /users/me/premium. */
@PremiumCommand()
@DiscordCommands()
export class PremiumCommands {
  constructor(private readonly premium: PremiumService) {}

  @Subcommand({ name: 'info', description: 'Your premium status, what it gives and what a month costs' })
  async showPremium(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    await interaction.reply({ embeds: [statusEmbed(await this.premium.status(actor))], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'buy', description: 'Buy months of premium with WTG coins (renewing adds to the time left)' })
  async buyPremium(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: BuyPremiumOptions,
  ): Promise<void> {
    // The interaction id is unique per invocation: the purchase's retry key, as Idempotency-Key is on REST.
    const bought = await this.premium.buy(actor, { months: options.months, idempotencyKey: `discord:${interaction.id}` });
    const embed = successEmbed(
      '⭐ Premium',
      `${bought.months} month${bought.months === 1 ? '' : 's'} for ${formatWtg(bought.wtgSpent)}: premium until ${day(bought.premiumUntil)}.`,
    ).addFields({ name: 'WTG coins left', value: formatWtg(bought.wtgBalance), inline: true });
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }
}

function statusEmbed(s: PremiumStatusView): EmbedBuilder {
  return infoEmbed('⭐ Premium', statusText(s)).addFields(
    { name: 'Price', value: `${formatWtg(s.pricePerMonthWtg)} a month (1-${s.monthsMax} months at a time)`, inline: true },
    { name: 'Gives', value: `×${s.rewardMultiplier} daily bonus and /work rewards`, inline: true },
  );
}

function statusText(s: PremiumStatusView): string {
  if (s.tier === 'premium') {
    return s.premiumUntil ? `Premium until ${day(s.premiumUntil)}.` : 'Premium, with no end date.';
  }
  return s.premiumUntil ? `Free: premium ended ${day(s.premiumUntil)}.` : 'Free.';
}
