import { escapeMarkdown, MessageFlags } from 'discord.js';
import { Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, successEmbed } from '../discord/embeds';
import { SendGiftOptions } from './dto/send-gift.options';
import { GiftsService } from './gifts.service';

/** Discord adapter of GiftsService: the same gift as POST /credits/gifts. */
@DiscordCommands()
export class GiftsCommands {
  constructor(private readonly gifts: GiftsService) {}

  @SlashCommand({ name: 'gift', description: 'Give some of your GameCredits to another player (they get a direct message)', ...COMMAND_REACH })
  async sendGift(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: SendGiftOptions): Promise<void> {
    // The interaction id is unique per invocation: the gift's retry key, as Idempotency-Key is on REST.
    const gift = await this.gifts.send(actor, {
      toDiscordId: options.user.id,
      amount: options.amount,
      note: options.note,
      idempotencyKey: `discord:${interaction.id}`,
    });
    const said = gift.note ? `\n> ${escapeMarkdown(gift.note)}` : '';
    const embed = successEmbed('Gift sent', `${formatCredits(gift.amount)} to <@${gift.toDiscordId}>.${said}`).addFields(
      { name: 'Balance', value: formatCredits(gift.balance), inline: true },
      { name: 'Left to give today', value: `${formatCredits(gift.remainingToday)} of ${formatCredits(gift.dailyLimit)}`, inline: true },
    );
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }
}
