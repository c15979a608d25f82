import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommand, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, formatWtg, infoEmbed, relativeTime, successEmbed } from '../discord/embeds';
import { CheckoutView } from '../payments/payments.types';
import { BuyPackageOptions } from './dto/buy-package.options';
import { ConvertWtgOptions } from './dto/convert-wtg.options';
import { ShopService } from './shop.service';
import { ShopView } from './shop.types';

/**
 * The longest URL a link button takes: https://discord.com/developers/docs/components/reference#button
 * ("url: URL for link-style buttons, max 512 characters"). A longer checkout link goes in the embed.
 */
const LINK_BUTTON_URL_MAX = 512;

export const ShopCommand = createCommandGroupDecorator({ name: 'shop', description: 'WTG coin packages: see them, buy one', ...COMMAND_REACH });

/** Discord adapter of ShopService: the same calls as GET /shop and POST /shop/checkout. */
@ShopCommand()
@DiscordCommands()
export class ShopCommands {
  constructor(private readonly shop: ShopService) {}

  @Subcommand({ name: 'list', description: 'WTG coin packages and what they are worth in GameCredits' })
  async showShop(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.reply({ embeds: [shopEmbed(this.shop.catalog())] });
  }

  @Subcommand({ name: 'buy', description: 'Buy a WTG coin package: you get a private link to pay with Stripe' })
  async buyPackage(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: BuyPackageOptions,
  ): Promise<void> {
    // Stripe may take longer than Discord's 3 seconds to answer; the link is private, so the deferral is too.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // The interaction id is unique per invocation: a retried delivery of it gets the same checkout.
    const checkout = await this.shop.checkout(actor, { packageId: options.package, idempotencyKey: `discord:${interaction.id}` });
    await interaction.editReply(checkoutReply(checkout));
  }
}

/** Discord adapter of the conversion: the same call as POST /shop/convert. */
@DiscordCommands()
export class ConvertCommands {
  constructor(private readonly shop: ShopService) {}

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
    text: `1 WTG = ${shop.gcPerWtg.toLocaleString('en-US')} GC · buy with /shop buy · convert coins with /convert`,
  });
}

function checkoutReply(c: CheckoutView): { embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> } {
  const fits = c.url.length <= LINK_BUTTON_URL_MAX;
  const embed = infoEmbed(
    `🛒 ${formatWtg(c.coins)} for ${price(c.priceCents, c.currency)}`,
    [
      fits ? 'Pay on Stripe with the button below.' : `Pay on Stripe: ${c.url}`,
      'The coins arrive in your balance as soon as Stripe confirms the payment.',
    ].join('\n'),
  ).addFields({ name: 'Link expires', value: relativeTime(c.expiresAt), inline: true });
  const button = new ButtonBuilder()
    .setStyle(ButtonStyle.Link)
    .setLabel(`Pay ${price(c.priceCents, c.currency)}`)
    .setURL(c.url);
  return { embeds: [embed], components: fits ? [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] : [] };
}
