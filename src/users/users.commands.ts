import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, formatWtg, infoEmbed, relativeTime, successEmbed } from '../discord/embeds';
import { NotificationsOptions } from './dto/notifications.options';
import { UsersService } from './users.service';
import { ProfileView, StatsView } from './users.types';

/** Discord adapter of UsersService: the same calls as GET /users/me and /users/me/stats. */
@DiscordCommands()
export class UsersCommands {
  constructor(private readonly users: UsersService) {}

  @SlashCommand({ name: 'credits', description: 'Show your GameCredits (GC) and WTG coin balance', ...COMMAND_REACH })
  async showCredits(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const profile = await this.users.getProfile(actor);
    await interaction.reply({ embeds: [balanceEmbed(profile)], flags: MessageFlags.Ephemeral });
  }

  @SlashCommand({
    name: 'notifications',
    description: 'Turn direct messages about your servers (ready, stopped, failed) on or off',
    ...COMMAND_REACH,
  })
  async setNotifications(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: NotificationsOptions,
  ): Promise<void> {
    const { directMessages } = await this.users.setDirectMessages(actor, options.directMessages);
    await interaction.reply({
      embeds: [
        successEmbed(
          '🔔 Notifications',
          directMessages
            ? 'You will get a direct message when a server of yours is ready, stopped by agis, or fails.'
            : 'No more direct messages about your servers. The events stay on GET /api/v1/events and your webhooks.',
        ),
      ],
      flags: MessageFlags.Ephemeral,
    });
  }

  @SlashCommand({ name: 'stats', description: 'Show your usage statistics', ...COMMAND_REACH })
  async showStats(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const stats = await this.users.getStats(actor);
    await interaction.reply({ embeds: [statsEmbed(stats)], flags: MessageFlags.Ephemeral });
  }
}

function balanceEmbed(p: ProfileView): EmbedBuilder {
  return infoEmbed('💰 Your balance')
    .addFields(
      { name: 'GameCredits', value: formatCredits(p.credits), inline: true },
      { name: 'WTG coins', value: formatWtg(p.wtgCoins), inline: true },
      { name: 'Tier', value: tierText(p), inline: true },
    )
    .setFooter({ text: '1 WTG = 1,000 GC' });
}

/** `premium until <date>` while bought premium lasts (a Discord timestamp, in each reader's own zone). */
function tierText(p: ProfileView): string {
  return p.tier === 'premium' && p.premiumUntil ? `premium until <t:${Math.floor(Date.parse(p.premiumUntil) / 1000)}:D>` : p.tier;
}

function statsEmbed(s: StatsView): EmbedBuilder {
  return infoEmbed('📊 Your stats').addFields(
    { name: 'Servers created', value: String(s.serversCreated), inline: true },
    { name: 'Commands used', value: String(s.commandsUsed), inline: true },
    { name: 'Ad conversions', value: String(s.adConversions), inline: true },
    { name: 'Credits earned', value: formatCredits(s.creditsEarned), inline: true },
    { name: 'Credits spent', value: formatCredits(s.creditsSpent), inline: true },
    { name: 'Last active', value: relativeTime(s.lastActiveAt), inline: true },
  );
}
