import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { BaseInteraction } from 'discord.js';
import { NecordBaseDiscovery, NecordContextType, NecordExecutionContext } from 'necord';
import { Counter, Histogram } from 'prom-client';
import { Observable, tap } from 'rxjs';
import { openSpan } from '../common/tracing/traced';
import { bindActor, discordActor } from './discord-actor.decorator';
import { DiscordUsers } from './discord-users';

export const BOT_COMMANDS_TOTAL = 'agis_bot_commands_total';
export const BOT_COMMAND_DURATION = 'agis_bot_command_duration_seconds';

/** `apikey create` for slash commands, the custom-id template for buttons and modals; none for autocomplete. */
export function commandLabel(interaction: BaseInteraction, discovery: NecordBaseDiscovery): string | undefined {
  if (interaction.isChatInputCommand()) {
    const group = interaction.options.getSubcommandGroup(false);
    const sub = interaction.options.getSubcommand(false);
    return [interaction.commandName, group, sub].filter(Boolean).join(' ');
  }
  if ((interaction.isMessageComponent() || interaction.isModalSubmit()) && 'getCustomId' in discovery) {
    // The template (`servers/delete/:id`), never the concrete id, keeps label values bounded.
    return (discovery as NecordBaseDiscovery & { getCustomId(): string }).getCustomId();
  }
  return undefined;
}

/**
 * Runs around every necord interaction handler: resolves the Discord user to an Actor (creating the
 * user on first contact), counts slash commands in the user's stats, and records command metrics.
 * Autocomplete only reads: it fires on every keystroke, so it neither creates nor touches the user
 * (someone who never ran a command simply gets no suggestions of their own things).
 */
@Injectable()
export class DiscordInteractionInterceptor implements NestInterceptor {
  constructor(
    private readonly users: DiscordUsers,
    @InjectMetric(BOT_COMMANDS_TOTAL) private readonly commands: Counter<string>,
    @InjectMetric(BOT_COMMAND_DURATION) private readonly duration: Histogram<string>,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType<NecordContextType>() !== 'necord') {
      return next.handle();
    }
    const necord = NecordExecutionContext.create(context);
    const [interaction] = necord.getContext<'interactionCreate'>();
    if (!(interaction instanceof BaseInteraction)) {
      return next.handle();
    }
    const label = commandLabel(interaction, necord.getDiscovery());
    const started = process.hrtime.bigint();
    const span = openSpan('discord.interaction', { 'agis.discord.command': label ?? interaction.type.toString() });
    const finish = (status: 'success' | 'error', err?: unknown) => {
      span.end(status === 'error' ? (err ?? 'error') : undefined);
      if (label) {
        this.commands.inc({ command: label, status });
        this.duration.observe({ command: label }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
    try {
      if (interaction.isAutocomplete()) {
        const known = await this.users.findByDiscordId(interaction.user.id);
        if (known) {
          bindActor(interaction, discordActor(known));
        }
        return next.handle().pipe(tap({ complete: () => span.end(), error: (err: unknown) => span.end(err) }));
      }
      const actor = discordActor(await this.users.ensureUser(interaction.user.id, interaction.user.username));
      if (interaction.isChatInputCommand()) {
        await this.users.recordCommand(actor);
      }
      bindActor(interaction, actor);
    } catch (err) {
      finish('error', err);
      throw err;
    }
    return next.handle().pipe(tap({ complete: () => finish('success'), error: (err: unknown) => finish('error', err) }));
  }
}
