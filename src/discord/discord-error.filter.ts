import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { BaseInteraction, DiscordAPIError, EmbedBuilder, MessageFlags } from 'discord.js';
import { NecordArgumentsHost } from 'necord';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, internalError } from '../common/errors/domain-error';
import { truncate } from '../common/values/echo';
import { CONTENT_MAX } from './discord-limits';
import { errorEmbed } from './embeds';

const ref = (): string => randomUUID().slice(0, 8);

/**
 * The Discord side of error handling: a DomainError becomes an ephemeral message with the same
 * text as the REST error; a reply Discord refused (4xx, e.g. 50035 Invalid Form Body) becomes a short
 * note saying so; anything else becomes "Something went wrong (ref …)", logged with that ref.
 * If even the error embed is refused, a plain one-line text is tried, so a deferred reply is never
 * left "thinking…". It never throws: a failing handler must not reach discord.js, which would emit
 * it as a client error.
 */
@Catch()
export class DiscordErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DiscordErrorFilter.name);

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const [interaction] = NecordArgumentsHost.create(host).getContext<'interactionCreate'>();
    if (!(interaction instanceof BaseInteraction)) {
      return;
    }
    const error = exception instanceof DomainError ? exception : this.unexpected(exception, interaction);
    try {
      await this.render(interaction, { embeds: [errorEmbed(error.message)] });
    } catch (err) {
      this.logger.warn({ err, code: error.code }, 'Discord refused the error reply; sending it as plain text');
      try {
        await this.render(interaction, { content: truncate(`❌ ${error.message}`, CONTENT_MAX), embeds: [] });
      } catch (last) {
        this.logger.warn({ err: last, code: error.code }, 'Could not deliver an error reply to Discord');
      }
    }
  }

  private unexpected(exception: unknown, interaction: BaseInteraction): DomainError {
    const id = ref();
    const command = interaction.isCommand() ? interaction.commandName : undefined;
    if (exception instanceof DiscordAPIError && exception.status >= 400 && exception.status < 500) {
      // Our own reply broke one of Discord's rules (a limit, usually): say so instead of a bare failure.
      this.logger.error({ err: exception, ref: id, command, discord: exception.rawError }, `Discord refused a reply (ref ${id})`);
      return new DomainError(
        ErrorCode.UPSTREAM_FAILED,
        `Discord refused to show this answer (${exception.code} ${truncate(exception.message.split('\n')[0], 60)}); it was logged as ref ${id}.`,
      );
    }
    this.logger.error({ err: exception, ref: id, command }, `Unhandled error in a Discord handler (ref ${id})`);
    return internalError(id);
  }

  private async render(interaction: BaseInteraction, reply: { content?: string; embeds: EmbedBuilder[] }): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) {
        await interaction.respond([]);
      }
      return;
    }
    if (!interaction.isRepliable()) {
      return;
    }
    if (interaction.deferred && !interaction.replied) {
      // The deferral already chose who sees the answer; commands that may fail privately defer ephemerally.
      await interaction.editReply(reply);
    } else if (interaction.replied) {
      await interaction.followUp({ ...reply, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
    }
  }
}
