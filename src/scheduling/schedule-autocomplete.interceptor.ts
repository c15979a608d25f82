import { Injectable } from '@nestjs/common';
import { AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { Actor } from '../auth/actor';
import { PER_PAGE_MAX } from '../common/http/pagination';
import { knownActorOf } from '../discord/discord-actor.decorator';
import { CHOICES_MAX } from '../discord/discord-limits';
import { Choice, choice, serverChoices } from '../servers/discord/server-autocomplete.interceptor';
import { ServersService } from '../servers/servers.service';
import { SchedulesService } from './schedules.service';

/** Offered before the caller types anything: the zones most players are in. */
const COMMON_TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Warsaw',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** Zones whose name contains what was typed (`paris`, `new york`), common ones first; any IANA name is still accepted. */
export function timeZoneChoices(typed: string): Choice[] {
  const q = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const zones = q
    ? [...new Set([...COMMON_TIME_ZONES, ...Intl.supportedValuesOf('timeZone')])].filter((z) => z.toLowerCase().includes(q))
    : COMMON_TIME_ZONES;
  return zones.slice(0, CHOICES_MAX).map((z) => choice(z, z));
}

/** Suggests the caller's servers (`server:`), time zones (`timezone:`) and the caller's schedules (`id:`). */
@Injectable()
export class ScheduleAutocomplete extends AutocompleteInterceptor {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly servers: ServersService,
  ) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const actor = knownActorOf(interaction);
    switch (focused.name) {
      case 'timezone':
        return interaction.respond(timeZoneChoices(focused.value));
      case 'server':
        return interaction.respond(await serverChoices(this.servers, actor, focused.value));
      default:
        return interaction.respond(await this.scheduleChoices(actor, focused.value));
    }
  }

  private async scheduleChoices(actor: Actor | undefined, typed: string): Promise<Choice[]> {
    if (!actor) {
      return [];
    }
    const q = typed.trim().toLowerCase();
    const [schedules, servers] = await Promise.all([
      this.schedules.listMine(actor, { page: 1, perPage: PER_PAGE_MAX }),
      this.servers.list(actor, { page: 1, perPage: PER_PAGE_MAX }),
    ]);
    const names = new Map(servers.items.map((s) => [s.id, s.name]));
    return schedules.items
      .map((s) => ({
        id: s.id,
        label: `${s.action} ${names.get(s.serverId) ?? s.serverId} · ${s.cron} (${s.timezone})${s.enabled ? '' : ' · disabled'}`,
      }))
      .filter((s) => s.label.toLowerCase().includes(q) || s.id.startsWith(q))
      .slice(0, CHOICES_MAX)
      .map((s) => choice(s.label, s.id));
  }
}
