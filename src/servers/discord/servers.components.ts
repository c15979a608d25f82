import { ActionRowBuilder, ButtonBuilder, ButtonInteraction, ButtonStyle } from 'discord.js';
import { Button, ButtonContext, ComponentParam, Context } from 'necord';
import { Actor } from '../../auth/actor';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { DiscordActor } from '../../discord/discord-actor.decorator';
import { DiscordCommands } from '../../discord/discord-commands.decorator';
import { infoEmbed, statusEmbed, successEmbed } from '../../discord/embeds';
import { ServersService } from '../servers.service';

// Custom ids carry the server and the Discord user who asked, so any replica can answer the press.
const CONFIRM_DELETE = 'servers-delete/confirm';
const CANCEL_DELETE = 'servers-delete/cancel';

/** The Confirm / Cancel row under a `/servers delete` prompt. */
export function deleteButtons(serverId: string, invokerDiscordId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`${CONFIRM_DELETE}/${serverId}/${invokerDiscordId}`)
      .setLabel('Delete')
      .setEmoji('🗑️')
      .setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(`${CANCEL_DELETE}/${serverId}/${invokerDiscordId}`).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}

/** A confirmation belongs to the user who asked for it; anyone else gets an ephemeral refusal. */
function assertInvoker(interaction: ButtonInteraction, invokerDiscordId: string): void {
  if (interaction.user.id !== invokerDiscordId) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only the user who ran /servers delete can answer this confirmation');
  }
}

/** Buttons of the `/servers delete` confirmation; the deletion itself is ServersService.delete, as DELETE /servers/:id. */
@DiscordCommands()
export class ServersComponents {
  constructor(private readonly servers: ServersService) {}

  @Button(`${CONFIRM_DELETE}/:id/:by`)
  async confirmDelete(
    @Context() [interaction]: ButtonContext,
    @DiscordActor() actor: Actor,
    @ComponentParam('id') id: string,
    @ComponentParam('by') by: string,
  ): Promise<void> {
    assertInvoker(interaction, by);
    const server = await this.servers.get(actor, id);
    // Acknowledge at once and drop the buttons (no second press); stopping a GameServer may take a while.
    await interaction.update({ embeds: [statusEmbed(server.name, 'deleting').setDescription('Deleting…')], components: [] });
    await this.servers.delete(actor, id);
    await interaction.editReply({ embeds: [successEmbed('Server deleted', `**${server.name}** (${server.gameType}) was stopped and deleted.`)] });
  }

  @Button(`${CANCEL_DELETE}/:id/:by`)
  async cancelDelete(@Context() [interaction]: ButtonContext, @ComponentParam('by') by: string): Promise<void> {
    assertInvoker(interaction, by);
    await interaction.update({ embeds: [infoEmbed('Deletion cancelled', 'Your server was left as it was.')], components: [] });
  }
}
