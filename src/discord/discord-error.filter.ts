import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { BaseInteraction, MessageFlags } from 'discord.js';
import { NecordArgumentsHost } from 'necord';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../common/domain-error';
import { internalError } from '../common/envelope';
import { errorEmbed } from './embeds';

/**
 * The Discord side of error handling: a DomainError becomes an ephemeral message with the same
 * text as the REST error; anything else becomes "Something went wrong (ref …)", logged with that ref.
 * It never throws: a failing handler must not reach discord.js, which would emit it as a client error.
 */
@Catch()
export class DiscordErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DiscordErrorFilter.name);

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const [interaction] = NecordArgumentsHost.create(host).getContext<'interactionCreate'>();
    const error = exception instanceof DomainError ? exception : this.unexpected(exception, interaction);
    try {
      await this.render(interaction, error);
    } catch (err) {
      this.logger.warn({ err, code: error.code }, 'Could not deliver an error reply to Discord');
    }
  }

  private unexpected(exception: unknown, interaction: unknown): DomainError {
    const ref = randomUUID().slice(0, 8);
    const command = interaction instanceof BaseInteraction && interaction.isCommand() ? interaction.commandName : undefined;
    this.logger.error({ err: exception, ref, command }, `Unhandled error in a Discord handler (ref ${ref})`);
    return internalError(ref);
  }

  private async render(interaction: unknown, error: DomainError): Promise<void> {
    if (!(interaction instanceof BaseInteraction)) {
      return;
    }
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) {
        await interaction.respond([]);
      }
      return;
    }
    if (!interaction.isRepliable()) {
      return;
    }
    const embeds = [errorEmbed(error.message)];
    if (interaction.deferred && !interaction.replied) {
      // The deferral already chose who sees the answer; commands that may fail privately defer ephemerally.
      await interaction.editReply({ embeds });
    } else if (interaction.replied) {
      await interaction.followUp({ embeds, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ embeds, flags: MessageFlags.Ephemeral });
    }
  }
}
