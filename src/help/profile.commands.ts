import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, formatWtg, infoEmbed } from '../discord/embeds';
import { ProfileService, ProfileSummary } from './profile.service';

/** /profile: balance, tier, servers, rank and recent activity (GET /users/me, /servers, /leaderboard and /activity over REST). */
@DiscordCommands()
export class ProfileCommands {
  constructor(private readonly profiles: ProfileService) {}

  @SlashCommand({ name: 'profile', description: 'Your balance, tier, servers, leaderboard rank and recent activity', ...COMMAND_REACH })
  async showProfile(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    await interaction.reply({ embeds: [profileEmbed(await this.profiles.summary(actor))], flags: MessageFlags.Ephemeral });
  }
}

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function profileEmbed(s: ProfileSummary): EmbedBuilder {
  const p = s.profile;
  const tier = p.tier === 'premium' && p.premiumUntil ? `premium until <t:${unix(p.premiumUntil)}:D>` : p.tier;
  const recent = s.recent.map((a) => `<t:${unix(a.createdAt)}:R> ${a.action}${a.via === 'system' ? ' (agis)' : ''}`).join('\n');
  return infoEmbed(`👤 ${p.username}`).addFields(
    { name: 'GameCredits', value: formatCredits(p.credits), inline: true },
    { name: 'WTG coins', value: formatWtg(p.wtgCoins), inline: true },
    { name: 'Tier', value: tier, inline: true },
    { name: 'Servers', value: `${s.servers.total} (${s.servers.running} running)`, inline: true },
    { name: 'Rank', value: `#${s.rank.toLocaleString('en-US')} by GC`, inline: true },
    { name: 'Recent activity', value: recent || 'Nothing yet' },
  );
}
