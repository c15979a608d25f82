import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, formatWtg, infoEmbed, successEmbed } from '../discord/embeds';
import { ConvertWtgOptions } from './dto/convert-wtg.options';
import { ShopService } from './shop.service';
import { ShopView } from './shop.types';

/** Discord adapter of ShopService: the same calls as GET /shop and POST /shop/convert. */
@DiscordCommands()
export class ShopCommands {
  constructor(private readonly shop: ShopService) {}

  @SlashCommand({ name: 'shop', description: 'WTG coin packages and what they are worth in GameCredits', ...COMMAND_REACH })
  async showShop(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.reply({ embeds: [shopEmbed(this.shop.catalog())] });
  }

  @SlashCommand({ name: 'convert', description: 'Convert WTG coins to GameCredits (1 WTG = 1,000 GC, one-way)', ...COMMAND_REACH })
  async convertWtg(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ConvertWtgOptions,
  ): Promise<void> {
    // The interaction id is unique per command invocation: the conversion's retry key, as Idempotency-Key is on REST.
    const done = await this.shop.convert(actor, { wtg: options.wtg, idempotencyKey: `discord:${interaction.id}` });
    const embed = successEmbed('Converted', `${formatWtg(done.wtgSpent)} → ${formatCredits(done.gcReceived)}`).addFields(
      { name: 'GameCredits', value: formatCredits(done.creditsBalance), inline: true },
      { name: 'WTG coins', value: formatWtg(done.wtgBalance), inline: true },
    );
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }
}

function price(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

function shopEmbed(shop: ShopView): EmbedBuilder {
  const lines = shop.packages.map((p) => `**${p.name}** · ${price(p.priceCents, p.currency)} · worth ${formatCredits(p.gcValue)}`);
  return infoEmbed('🛒 Shop', lines.join('\n')).setFooter({
    text: `1 WTG = ${shop.gcPerWtg.toLocaleString('en-US')} GC · convert coins with /convert`,
  });
}
