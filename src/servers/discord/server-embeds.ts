import { type EmbedBuilder } from 'discord.js';
import { type Paginated } from '../../common/http/envelope';
import { truncate } from '../../common/values/echo';
import { EMBED_DESCRIPTION_MAX, linesWithin } from '../../discord/discord-limits';
import { COLORS, formatCredits, infoEmbed, relativeTime, statusEmbed, statusLine, FittedEmbed } from '../../discord/embeds';
import { type ServerActionView, type ServerLogsView, type ServerView } from '../servers.types';

/** How a server looks in Discord: the same ServerView REST returns, as embeds within Discord's limits. */

/** `203.0.113.10:7034` once players can connect; null before. */
export function addressOf(s: Pick<ServerView, 'status' | 'address' | 'port'>): string | null {
  return s.status === 'running' && s.address ? `${s.address}${s.port ? `:${s.port}` : ''}` : null;
}

/** One line per port: `game 7034/TCP`. */
export function portsText(s: Pick<ServerView, 'ports'>): string | null {
  return s.ports.length ? s.ports.map((p) => `\`${p.name}\` ${p.port}/${p.protocol}`).join('\n') : null;
}

export function playersText(s: Pick<ServerView, 'players'>): string | null {
  return s.players ? `${s.players.online} / ${s.players.max}` : null;
}

export function serverEmbed(s: ServerView, description?: string): EmbedBuilder {
  const address = addressOf(s);
  const embed = statusEmbed(s.name, s.status).addFields(
    { name: 'Game', value: s.gameType, inline: true },
    { name: 'Cost', value: `${formatCredits(s.costPerHour)} / hour`, inline: true },
    { name: 'Address', value: address ? `\`${address}\`` : 'once running', inline: true },
  );
  const ports = s.status === 'running' ? portsText(s) : null;
  if (ports) {
    embed.addFields({ name: 'Ports', value: ports, inline: true });
  }
  const players = playersText(s);
  if (players && s.status === 'running') {
    embed.addFields({ name: 'Players', value: players, inline: true });
  }
  if (s.billedUntil) {
    embed.addFields({ name: 'Paid until', value: relativeTime(s.billedUntil), inline: true });
  }
  if (s.lastError) {
    embed.addFields({ name: 'Last error', value: s.lastError });
  }
  if (s.stopReason && s.status === 'stopped') {
    embed.addFields({ name: 'Stopped because', value: s.stopReason.replace(/_/g, ' '), inline: true });
  }
  embed.setFooter({ text: `id ${s.id}` });
  return description ? embed.setDescription(description) : embed;
}

export function actionEmbed(s: ServerActionView, verb: string): EmbedBuilder {
  const follow = s.status === s.targetStatus ? '' : ' `/servers info` shows when it gets there.';
  return serverEmbed(s, `${verb}: on its way to **${s.targetStatus}**.${follow}`);
}

export function listEmbed(page: Paginated<ServerView>): EmbedBuilder {
  if (page.items.length === 0) {
    return infoEmbed('🖥️ Your servers', 'You have no servers yet. Create one with `/servers create` (prices: `/games`).');
  }
  const lines = page.items.map((s) => {
    const address = addressOf(s);
    const players = s.status === 'running' ? playersText(s) : null;
    return `${statusLine(s.status)} **${s.name}** · ${s.gameType} · ${formatCredits(s.costPerHour)}/h${address ? ` · \`${address}\`` : ''}${players ? ` · 👥 ${players}` : ''}`;
  });
  const text = linesWithin(lines, EMBED_DESCRIPTION_MAX, (hidden) => `… and ${hidden} more (GET /api/v1/servers lists them all)`);
  return infoEmbed('🖥️ Your servers', text).setFooter({ text: `${page.meta.total} server(s)` });
}

/** The most of one log line the reply shows: a single long line must not crowd out the rest. */
const LOG_LINE_MAX = 300;

/**
 * The newest log lines that fit one embed description in a code block: lines are taken from the end, each
 * cut with "…" so a cut line does not pass for a whole one, and backticks defused so the block stays closed.
 */
export function logsEmbed(name: string, view: ServerLogsView): EmbedBuilder {
  if (view.lines.length === 0) {
    return infoEmbed(
      `📜 ${name}`,
      view.status === 'running' || view.status === 'starting'
        ? 'The game has not written anything yet.'
        : 'No log: the server is not running. Start it and its log appears here.',
    );
  }
  const budget = EMBED_DESCRIPTION_MAX - 8;
  const kept: string[] = [];
  let used = 0;
  for (const raw of [...view.lines].reverse()) {
    const line = truncate(raw.replace(/```/g, "'''"), LOG_LINE_MAX);
    if (used + line.length + 1 > budget) {
      break;
    }
    kept.unshift(line);
    used += line.length + 1;
  }
  return infoEmbed(`📜 ${name}`, `\`\`\`\n${kept.join('\n')}\n\`\`\``).setFooter({
    text: `last ${kept.length} line(s) · GET /api/v1/servers/${view.serverId}/logs?tail=500 for more`,
  });
}

const STOP_WORDING: Record<string, string> = {
  insufficient_credits: 'your balance could not pay the next hour. Top up and start it again.',
  schedule: 'one of your schedules stopped it.',
  gameserver_gone: 'its game server was shut down outside agis.',
};

/** The direct message an owner gets when their server is ready, stopped without their asking, or failed. */
export function noticeEmbed(kind: 'ready' | 'stopped' | 'failed', s: ServerView): EmbedBuilder {
  switch (kind) {
    case 'ready': {
      const embed = new FittedEmbed()
        .setColor(COLORS.success)
        .setTitle(`✅ ${s.name} is ready`)
        .setDescription(`Your ${s.gameType} server is up. Connect to \`${addressOf(s) ?? s.address ?? '?'}\`.`);
      const ports = portsText(s);
      if (ports) {
        embed.addFields({ name: 'Ports', value: ports, inline: true });
      }
      const players = playersText(s);
      if (players) {
        embed.addFields({ name: 'Players', value: players, inline: true });
      }
      return embed.setFooter({ text: `id ${s.id} · /notifications to turn these off` });
    }
    case 'stopped':
      return new FittedEmbed()
        .setColor(COLORS.warning)
        .setTitle(`⏹️ ${s.name} was stopped`)
        .setDescription(`It stopped because ${STOP_WORDING[s.stopReason ?? ''] ?? 'it was stopped.'}`)
        .setFooter({ text: `id ${s.id} · /notifications to turn these off` });
    case 'failed':
      return new FittedEmbed()
        .setColor(COLORS.error)
        .setTitle(`❌ ${s.name} failed`)
        .setDescription(s.lastError ?? 'It ended in error.')
        .setFooter({ text: `id ${s.id} · /notifications to turn these off` });
  }
}
