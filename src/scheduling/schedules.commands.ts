import { UseInterceptors } from '@nestjs/common';
import { ChatInputCommandInteraction, EmbedBuilder, escapeMarkdown, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { truncate } from '../common/values/echo';
import { Paginated } from '../common/http/envelope';
import { PER_PAGE_MAX } from '../common/http/pagination';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { EMBED_FIELD_VALUE_MAX, EMBEDS_TOTAL_MAX } from '../discord/discord-limits';
import { infoEmbed, relativeTime, successEmbed } from '../discord/embeds';
import { ServersService } from '../servers/servers.service';
import { CRON_MAX_LENGTH } from './cron';
import { CreateScheduleOptions } from './dto/create-schedule.options';
import { ListSchedulesOptions } from './dto/list-schedules.options';
import { ScheduleIdOptions } from './dto/schedule-id.options';
import { ScheduleAction } from './schedules.types';
import { ScheduleAutocomplete } from './schedule-autocomplete.interceptor';
import { SchedulesService } from './schedules.service';
import { ScheduleView } from './schedules.types';

export const ScheduleCommand = createCommandGroupDecorator({
  name: 'schedule',
  description: 'Start, stop or restart your servers on a cron schedule',
  ...COMMAND_REACH,
});

/** Schedules per /schedule list reply; their descriptions share the 6,000 characters of one message. */
const LIST_PAGE = 10;
const LIST_TITLE = '⏰ Your schedules';

/** Discord adapter of SchedulesService: the same calls as /servers/:id/schedules and /schedules. Answers are ephemeral. */
@ScheduleCommand()
@DiscordCommands()
@UseInterceptors(ScheduleAutocomplete)
export class SchedulesCommands {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly servers: ServersService,
  ) {}

  @Subcommand({ name: 'start', description: 'Start a server on a cron schedule, e.g. 0 8 * * * (see /schedule help)' })
  scheduleStart(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateScheduleOptions,
  ): Promise<void> {
    return this.create(interaction, actor, 'start', options);
  }

  @Subcommand({ name: 'stop', description: 'Stop a server on a cron schedule, e.g. 0 23 * * * (see /schedule help)' })
  scheduleStop(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateScheduleOptions,
  ): Promise<void> {
    return this.create(interaction, actor, 'stop', options);
  }

  @Subcommand({ name: 'restart', description: 'Restart a server on a cron schedule, e.g. 0 */6 * * * (see /schedule help)' })
  scheduleRestart(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateScheduleOptions,
  ): Promise<void> {
    return this.create(interaction, actor, 'restart', options);
  }

  @Subcommand({ name: 'list', description: 'Your schedules with their next run' })
  async listSchedules(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ListSchedulesOptions,
  ): Promise<void> {
    const page = await this.schedules.listMine(actor, { page: options.page ?? 1, perPage: LIST_PAGE });
    await interaction.reply({ embeds: [listEmbed(page, await this.serverNames(actor))], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'delete', description: 'Delete one of your schedules' })
  async deleteSchedule(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ScheduleIdOptions,
  ): Promise<void> {
    const s = await this.schedules.remove(actor, options.id.trim());
    await interaction.reply({
      embeds: [successEmbed('Schedule deleted', `${s.action} \`${s.cron}\` (${s.timezone}) will not run again.`)],
      flags: MessageFlags.Ephemeral,
    });
  }

  @Subcommand({ name: 'enable', description: 'Enable one of your schedules (its next run counts from now)' })
  async enableSchedule(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ScheduleIdOptions,
  ): Promise<void> {
    const s = await this.schedules.setEnabled(actor, options.id.trim(), true);
    await interaction.reply({ embeds: [await this.scheduleEmbed(actor, s, 'Schedule enabled')], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'disable', description: 'Disable one of your schedules (it stays, and can be enabled again)' })
  async disableSchedule(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: ScheduleIdOptions,
  ): Promise<void> {
    const s = await this.schedules.setEnabled(actor, options.id.trim(), false);
    await interaction.reply({ embeds: [await this.scheduleEmbed(actor, s, 'Schedule disabled')], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'help', description: 'How to write a cron schedule, with examples and time zones' })
  async scheduleHelp(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.reply({ embeds: [HELP], flags: MessageFlags.Ephemeral });
  }

  private async create(
    interaction: ChatInputCommandInteraction,
    actor: Actor,
    action: ScheduleAction,
    options: CreateScheduleOptions,
  ): Promise<void> {
    const s = await this.schedules.create(actor, options.server.trim(), {
      action,
      cron: options.cron,
      timezone: options.timezone?.trim() || undefined,
    });
    await interaction.reply({ embeds: [await this.scheduleEmbed(actor, s, 'Schedule created')], flags: MessageFlags.Ephemeral });
  }

  private async scheduleEmbed(actor: Actor, s: ScheduleView, title: string): Promise<EmbedBuilder> {
    const server = await this.servers.get(actor, s.serverId);
    return successEmbed(title, `**${s.action}** ${escapeMarkdown(server.name)} · ${s.description}`)
      .addFields(
        { name: 'Cron', value: `\`${s.cron}\``, inline: true },
        { name: 'Time zone', value: s.timezone, inline: true },
        { name: 'Next run', value: nextRunText(s), inline: true },
      )
      .setFooter({ text: `id ${s.id}` });
  }

  private async serverNames(actor: Actor): Promise<Map<string, string>> {
    const page = await this.servers.list(actor, { page: 1, perPage: PER_PAGE_MAX });
    return new Map(page.items.map((s) => [s.id, s.name]));
  }
}

/** `<t:…:f> (<t:…:R>)`: the next run in each reader's own time zone, or why there is none. */
function nextRunText(s: ScheduleView): string {
  if (!s.enabled || !s.nextRunAt) {
    return 'disabled';
  }
  return `<t:${Math.floor(new Date(s.nextRunAt).getTime() / 1000)}:f> (${relativeTime(s.nextRunAt)})`;
}

function listEmbed(page: Paginated<ScheduleView>, serverNames: Map<string, string>): EmbedBuilder {
  if (page.items.length === 0) {
    return infoEmbed(
      LIST_TITLE,
      page.meta.total === 0
        ? 'You have no schedules yet. Create one with `/schedule start`, `/schedule stop` or `/schedule restart` (see `/schedule help`).'
        : `No schedules on page ${page.meta.page}; you have ${page.meta.totalPages} page(s).`,
    );
  }
  const footer = `Page ${page.meta.page} of ${page.meta.totalPages} · ${page.meta.total} schedule(s)`;
  const fields = page.items.map((s) => ({
    name: `${s.enabled ? '🟢' : '⚫'} ${s.action} ${serverNames.get(s.serverId) ?? s.serverId}`,
    head: `\`${s.cron}\` (${s.timezone}) · `,
    description: s.description,
    tail: `\nNext run: ${nextRunText(s)}\nid \`${s.id}\``,
  }));
  // A cron's English description can run past 1,000 characters: the descriptions share what the
  // message has left after everything else, so ten long schedules still fit one reply.
  const fixed = LIST_TITLE.length + footer.length + fields.reduce((n, f) => n + f.name.length + f.head.length + f.tail.length, 0);
  const share = Math.floor((EMBEDS_TOTAL_MAX - fixed) / fields.length);
  return infoEmbed(LIST_TITLE)
    .addFields(
      fields.map((f) => ({
        name: f.name,
        value: `${f.head}${truncate(f.description, Math.min(share, EMBED_FIELD_VALUE_MAX - f.head.length - f.tail.length))}${f.tail}`,
      })),
    )
    .setFooter({ text: footer });
}

const HELP = infoEmbed(
  '⏰ Cron schedules',
  [
    'A schedule runs `start`, `stop` or `restart` on one of your servers whenever its cron matches.',
    `A cron has exactly **5 fields** separated by spaces (at most ${CRON_MAX_LENGTH} characters):`,
    '```\n┌ minute (0-59)\n│ ┌ hour (0-23)\n│ │ ┌ day of month (1-31)\n│ │ │ ┌ month (1-12 or jan-dec)\n│ │ │ │ ┌ day of week (0-6, sunday = 0, or sun-sat)\n* * * * *\n```',
    '`*` means every value, `a-b` a range, `a,b` a list and `*/n` every n-th value. Seconds and shortcuts like `@daily` are not accepted.',
  ].join('\n'),
).addFields(
  {
    name: 'Examples',
    value: [
      '`0 8 * * *` every day at 08:00',
      '`0 */6 * * *` every 6 hours (00:00, 06:00, 12:00, 18:00)',
      '`30 2 * * 1-5` at 02:30, Monday to Friday',
      '`0 23 * * 5` every Friday at 23:00',
      '`0 18 1 * *` at 18:00 on the first day of each month',
    ].join('\n'),
  },
  {
    name: 'Time zones',
    value:
      "The cron is read in the schedule's IANA time zone (`timezone:`, e.g. `Europe/Paris`, `America/New_York`; default `UTC`), " +
      'so `0 8 * * *` in Europe/Paris stays at 08:00 Paris time across daylight saving changes. ' +
      'A time skipped by a spring-forward change runs once, shifted by the gap; a time repeated in autumn runs once.',
  },
  {
    name: 'Example',
    value:
      '`/schedule start server:survival cron:0 8 * * * timezone:Europe/Paris` then `/schedule stop server:survival cron:0 23 * * * timezone:Europe/Paris`',
  },
);
