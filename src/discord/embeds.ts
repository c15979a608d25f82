import { EmbedBuilder } from 'discord.js';

/** Embed colours: one meaning each, so a glance at the sidebar tells success from failure. */
export const COLORS = {
  success: 0x57f287,
  error: 0xed4245,
  info: 0x5865f2,
  warning: 0xfee75c,
} as const;

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
  return new EmbedBuilder().setTitle(title).setColor(STATUS_STYLE[status].color).addFields({ name: 'Status', value: statusLine(status), inline: true });
}

export function successEmbed(title: string, description?: string): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(COLORS.success).setTitle(`✅ ${title}`);
  return description ? embed.setDescription(description) : embed;
}

export function infoEmbed(title: string, description?: string): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(title);
  return description ? embed.setDescription(description) : embed;
}

/** The message is shown verbatim: it is the same text the REST API returns for the error. */
export function errorEmbed(message: string): EmbedBuilder {
  return new EmbedBuilder().setColor(COLORS.error).setTitle('❌ Error').setDescription(message);
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
