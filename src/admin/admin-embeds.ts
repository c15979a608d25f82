import { type EmbedBuilder, escapeMarkdown } from 'discord.js';
import { type ActivityView } from '../activity/activity.types';
import { type Paginated } from '../common/http/envelope';
import { formatCredits, infoEmbed } from '../discord/embeds';
import { type AdminServerView, type AdminUserView } from './admin.types';

/** One line per server: name, game, status, id and owner; FittedEmbed cuts what does not fit. */
export function serversFoundEmbed(page: Paginated<AdminServerView>): EmbedBuilder {
  const lines = page.items.map((s) => `**${escapeMarkdown(s.name)}** · ${s.gameType} · ${s.status}\n\`${s.id}\` owner \`${s.ownerId}\``);
  return infoEmbed(`🛡️ Servers (${page.meta.total})`, lines.join('\n') || 'No server matches.');
}

export function usersFoundEmbed(page: Paginated<AdminUserView>): EmbedBuilder {
  const lines = page.items.map(
    (u) =>
      `**${escapeMarkdown(u.username)}** (<@${u.discordId}>) · ${formatCredits(u.credits)} · ${u.tier}${u.suspendedAt ? ` · ⛔ suspended: ${escapeMarkdown(u.suspendedReason ?? '')}` : ''}\n\`${u.id}\``,
  );
  return infoEmbed(`🛡️ Users (${page.meta.total})`, lines.join('\n') || 'No user matches.');
}

export function activityEmbed(username: string, page: Paginated<ActivityView>): EmbedBuilder {
  const lines = page.items.map((a) => {
    const reason = typeof a.details.reason === 'string' ? ` — ${escapeMarkdown(a.details.reason)}` : '';
    return `<t:${Math.floor(Date.parse(a.createdAt) / 1000)}:R> \`${a.action}\` via ${a.via}${a.targetId ? ` on \`${a.targetId}\`` : ''}${reason}`;
  });
  return infoEmbed(`🛡️ Activity of ${escapeMarkdown(username)} (${page.meta.total})`, lines.join('\n') || 'Nothing recorded yet.');
}
