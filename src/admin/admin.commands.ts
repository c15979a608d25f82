import { MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, successEmbed } from '../discord/embeds';
import { activityEmbed, serversFoundEmbed, usersFoundEmbed } from './admin-embeds';
import { AdminService } from './admin.service';
import {
  AdminCreditsOptions,
  AdminLiftOptions,
  AdminSearchOptions,
  AdminServerOptions,
  AdminUserOptions,
  AdminUserReasonOptions,
} from './dto/admin.options';
import { staffActorOf } from './staff-actor';

/** Rows one Discord answer lists (an embed shows about this many lines whole). */
const DISCORD_PAGE = 15;

/**
 * `/admin`: registered with default_member_permissions "0", so Discord shows it only to the guild's
 * administrators (and to roles they allow in Server Settings → Integrations); see
 * https://discord.com/developers/docs/interactions/application-commands#permissions. Each handler re-checks
 * the staff role (staffActorOf): hiding is not authorization.
 */
export const AdminCommand = createCommandGroupDecorator({
  name: 'admin',
  description: 'Staff tools: servers and users of everyone',
  defaultMemberPermissions: '0',
  ...COMMAND_REACH,
});

/** `/admin servers search|stop|delete`: the Discord adapter of AdminService's server tools. */
@AdminCommand({ name: 'servers', description: "Everyone's servers" })
@DiscordCommands()
export class AdminServersCommands {
  constructor(
    private readonly admin: AdminService,
    private readonly config: AppConfig,
  ) {}

  @Subcommand({ name: 'search', description: 'Servers by name part, server id or owner id' })
  async searchServers(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminSearchOptions): Promise<void> {
    const page = await this.admin.searchServers(staffActorOf(interaction, actor, staffConfig(this.config)), o.query, { perPage: DISCORD_PAGE });
    await interaction.reply({ embeds: [serversFoundEmbed(page)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'stop', description: "Stop anyone's server; the owner is told the reason" })
  async stopServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminServerOptions): Promise<void> {
    const staff = staffActorOf(interaction, actor, staffConfig(this.config));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const s = await this.admin.stopServer(staff, o.server, o.reason);
    await interaction.editReply({ embeds: [successEmbed(`Stopping ${s.name}`, 'The owner is told the reason by direct message.')] });
  }

  @Subcommand({ name: 'delete', description: "Delete anyone's server; the owner is told the reason" })
  async deleteServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminServerOptions): Promise<void> {
    const staff = staffActorOf(interaction, actor, staffConfig(this.config));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.admin.deleteServer(staff, o.server, o.reason);
    await interaction.editReply({ embeds: [successEmbed('Server deleted', 'The owner is told the reason by direct message.')] });
  }
}

/** `/admin users search|credits|suspend|unsuspend|activity`: the Discord adapter of AdminService's user tools. */
@AdminCommand({ name: 'users', description: "Everyone's accounts" })
@DiscordCommands()
export class AdminUsersCommands {
  constructor(
    private readonly admin: AdminService,
    private readonly config: AppConfig,
  ) {}

  @Subcommand({ name: 'search', description: 'Users by name part, user id or Discord id' })
  async searchUsers(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminSearchOptions): Promise<void> {
    const page = await this.admin.searchUsers(staffActorOf(interaction, actor, staffConfig(this.config)), o.query, { perPage: DISCORD_PAGE });
    await interaction.reply({ embeds: [usersFoundEmbed(page)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'credits', description: "Grant or take a member's GC, with a reason (never below zero)" })
  async adjustCredits(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminCreditsOptions): Promise<void> {
    const done = await this.admin.adjustCredits(staffActorOf(interaction, actor, staffConfig(this.config)), o.user.id, o.amount, o.reason);
    const moved = done.amount > 0 ? `+${formatCredits(done.amount)}` : `-${formatCredits(-done.amount)}`;
    await interaction.reply({
      embeds: [successEmbed(`${moved} for ${o.user.username}`, `Balance now ${formatCredits(done.balance)}.`)],
      flags: MessageFlags.Ephemeral,
    });
  }

  @Subcommand({ name: 'suspend', description: 'Suspend a member: keys and commands refused, running servers stopped' })
  async suspendUser(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() o: AdminUserReasonOptions,
  ): Promise<void> {
    const staff = staffActorOf(interaction, actor, staffConfig(this.config));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const done = await this.admin.suspend(staff, o.user.id, o.reason);
    await interaction.editReply({ embeds: [successEmbed(`${o.user.username} is suspended`, `Servers stopped: ${done.serversStopped}.`)] });
  }

  @Subcommand({ name: 'unsuspend', description: "Lift a member's suspension" })
  async unsuspendUser(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminLiftOptions): Promise<void> {
    await this.admin.unsuspend(staffActorOf(interaction, actor, staffConfig(this.config)), o.user.id, o.reason ?? 'Suspension lifted');
    await interaction.reply({ embeds: [successEmbed(`${o.user.username} is no longer suspended`)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'activity', description: "A member's activity log, newest first" })
  async showActivity(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminUserOptions): Promise<void> {
    const page = await this.admin.activityOf(staffActorOf(interaction, actor, staffConfig(this.config)), o.user.id, { perPage: DISCORD_PAGE });
    await interaction.reply({ embeds: [activityEmbed(o.user.username, page)], flags: MessageFlags.Ephemeral });
  }
}

export function staffConfig(config: AppConfig): { guildId?: string; roleIds: readonly string[] } {
  return { guildId: config.STAFF_GUILD_ID, roleIds: config.ADMIN_ROLE_IDS };
}
