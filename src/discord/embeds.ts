import { type APIEmbed, type APIEmbedField, EmbedBuilder, type EmbedFooterOptions, type RestOrArray } from 'discord.js';
import { truncate } from '../common/values/echo';
import {
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_MAX,
  EMBED_TITLE_MAX,
  fitEmbed,
} from './discord-limits';

/** Embed colours: one meaning each, so a glance at the sidebar tells success from failure. */
export const COLORS = {
  success: 0x57f287,
  error: 0xed4245,
  info: 0x5865f2,
  warning: 0xfee75c,
} as const;

/**
 * An embed that cannot break Discord's limits whatever the data: texts are cut with "…" as they are
 * set (discord.js would otherwise throw before sending), fields beyond 25 are left out, and toJSON()
 * applies the 6,000-character total. Every embed the bot sends is one of these.
 */
export class FittedEmbed extends EmbedBuilder {
  override setTitle(title: string | null): this {
    return super.setTitle(title === null ? null : truncate(title, EMBED_TITLE_MAX));
  }

  override setDescription(description: string | null): this {
    return super.setDescription(description === null ? null : truncate(description, EMBED_DESCRIPTION_MAX));
  }

  override setFooter(footer: EmbedFooterOptions | null): this {
    return super.setFooter(footer && { ...footer, text: truncate(footer.text, EMBED_FOOTER_MAX) });
  }

  override addFields(...fields: RestOrArray<APIEmbedField>): this {
    const list = (Array.isArray(fields[0]) ? fields[0] : fields) as APIEmbedField[];
    const room = Math.max(0, EMBED_FIELDS_MAX - (this.data.fields?.length ?? 0));
    // Discord refuses an empty field name or value ("This field is required").
    return super.addFields(
      list.slice(0, room).map((f) => ({
        ...f,
        name: truncate(f.name, EMBED_FIELD_NAME_MAX) || '—',
        value: truncate(f.value, EMBED_FIELD_VALUE_MAX) || '—',
      })),
    );
  }

  override toJSON(): APIEmbed {
    return fitEmbed(super.toJSON());
  }
}

/** Every state a game server can be shown in (mirrors the server state machine). */
export type DisplayStatus = 'creating' | 'starting' | 'running' | 'stopping' | 'stopped' | 'error' | 'deleting';

export const STATUS_STYLE: Record<DisplayStatus, { color: number; indicator: string; label: string }> = {
  running: { color: 0x57f287, indicator: '🟢', label: 'Running' },
  starting: { color: 0xfee75c, indicator: '🟡', label: 'Starting' },
  creating: { color: 0xfee75c, indicator: '🟡', label: 'Creating' },
  stopping: { color: 0xe67e22, indicator: '🟠', label: 'Stopping' },
  stopped: { color: 0x95a5a6, indicator: '⚫', label: 'Stopped' },
  error: { color: 0xed4245, indicator: '🔴', label: 'Error' },
  deleting: { color: 0x607d8b, indicator: '🗑️', label: 'Deleting' },
};

/** `🟢 Running`: the indicator and label of a status, for titles, fields and list lines. */
export function statusLine(status: DisplayStatus): string {
  const style = STATUS_STYLE[status];
  return `${style.indicator} ${style.label}`;
}

/** A status-coloured embed for one server-like thing. */
export function statusEmbed(title: string, status: DisplayStatus): EmbedBuilder {
  return new FittedEmbed()
    .setTitle(title)
    .setColor(STATUS_STYLE[status].color)
    .addFields({ name: 'Status', value: statusLine(status), inline: true });
}

export function successEmbed(title: string, description?: string): EmbedBuilder {
  const embed = new FittedEmbed().setColor(COLORS.success).setTitle(`✅ ${title}`);
  return description ? embed.setDescription(description) : embed;
}

export function infoEmbed(title: string, description?: string): EmbedBuilder {
  const embed = new FittedEmbed().setColor(COLORS.info).setTitle(title);
  return description ? embed.setDescription(description) : embed;
}

/** The message is shown as is (cut to a description's 4,096 characters): the same text the REST API returns. */
export function errorEmbed(message: string): EmbedBuilder {
  return new FittedEmbed()
    .setColor(COLORS.error)
    .setTitle('❌ Error')
    .setDescription(message || 'Error');
}

export function warningEmbed(title: string, description: string): EmbedBuilder {
  return new FittedEmbed().setColor(COLORS.warning).setTitle(title).setDescription(description);
}

/** `12,345 GC`: amounts of GameCredits as users read them. */
export function formatCredits(amount: number): string {
  return `${amount.toLocaleString('en-US')} GC`;
}

export function formatWtg(amount: number): string {
  return `${amount.toLocaleString('en-US')} WTG`;
}

/** Discord's relative timestamp (`in 3 hours`), rendered in each reader's own time zone. */
export function relativeTime(iso: string | null, fallback = 'never'): string {
  return iso ? `<t:${Math.floor(new Date(iso).getTime() / 1000)}:R>` : fallback;
}
