import { UseInterceptors } from '@nestjs/common';
import { type ChatInputCommandInteraction, EmbedBuilder, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { Paginated } from '../common/http/envelope';
import { PER_PAGE_MAX } from '../common/http/pagination';
import { CreditTransactionView } from '../credits/credits.types';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, infoEmbed, successEmbed } from '../discord/embeds';
import { CreateServerOptions } from '../servers/dto/create-server.options';
import { ServerActionView } from '../servers/servers.types';
import { actionEmbed, listEmbed, serverEmbed } from '../servers/discord/server-embeds';
import { ServerAutocomplete } from '../servers/discord/server-autocomplete.interceptor';
import { GuildChannelOptions, GuildDepositOptions, GuildServerOptions } from './dto/guild.options';
import { GuildsService } from './guilds.service';
import { GuildTreasuryView } from './guilds.types';

/** Treasury rows one /guild treasury shows (one line each, well inside a description). */
const TREASURY_LINES = 10;

export const GuildCommand = createCommandGroupDecorator({
  name: 'guild',
  description: "This Discord server's shared treasury and servers",
  ...COMMAND_REACH,
});

/**
 * Every /guild command first tells GuildsService who ran it here and whether their member permissions carry
 * "Manage Server" (Discord computes them per interaction), so REST keys act on what the bot saw last.
 */
async function seen(guilds: GuildsService, interaction: ChatInputCommandInteraction, actor: Actor): Promise<string> {
  const guildId = interaction.guildId!;
  await guilds.see(actor, guildId, interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false);
  return guildId;
}

/** Discord adapter of GuildsService for members: the same calls as /guilds/:guildId deposits and treasury. */
@GuildCommand()
@DiscordCommands()
export class GuildCommands {
  constructor(private readonly guilds: GuildsService) {}

  @Subcommand({ name: 'deposit', description: "Move some of your GameCredits into this server's treasury" })
  async deposit(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: GuildDepositOptions): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    // The interaction id is unique per invocation: the deposit's retry key, as Idempotency-Key is on REST.
    const done = await this.guilds.deposit(actor, guildId, options.amount, `discord:${interaction.id}`);
    const embed = successEmbed('Deposited', `${formatCredits(done.amount)} into the treasury.`).addFields(
      { name: 'Your balance', value: formatCredits(done.balance), inline: true },
      { name: 'Treasury', value: formatCredits(done.treasuryBalance), inline: true },
    );
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'treasury', description: "The treasury's balance and its latest movements" })
  async treasury(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    const summary = await this.guilds.summary(actor, guildId);
    const page = await this.guilds.transactions(actor, guildId, { page: 1, perPage: TREASURY_LINES });
    await interaction.reply({ embeds: [treasuryEmbed(summary, page)], flags: MessageFlags.Ephemeral });
  }
}

/** /guild channel set: managers choose where the treasury's troubles are told. */
@GuildCommand({ name: 'channel', description: 'Where agis tells this server about its treasury' })
@DiscordCommands()
export class GuildChannelCommands {
  constructor(private readonly guilds: GuildsService) {}

  @Subcommand({ name: 'set', description: 'Managers: the channel told when a guild server stops because the treasury cannot pay' })
  async setChannel(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: GuildChannelOptions,
  ): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    const set = await this.guilds.setChannel(actor, guildId, options.channel.id);
    await interaction.reply({
      embeds: [successEmbed('Channel set', `<#${set.channelId}> is told when the treasury cannot pay a server.`)],
      flags: MessageFlags.Ephemeral,
    });
  }
}

/** /guild servers: servers paid from the treasury; creating and controlling them needs "Manage Server". */
@GuildCommand({ name: 'servers', description: 'Servers paid from the treasury' })
@DiscordCommands()
@UseInterceptors(ServerAutocomplete)
export class GuildServersCommands {
  constructor(private readonly guilds: GuildsService) {}

  @Subcommand({ name: 'list', description: "This server's guild servers" })
  async listServers(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    const page = await this.guilds.listServers(actor, guildId, { page: 1, perPage: PER_PAGE_MAX });
    await interaction.reply({ embeds: [listEmbed(page)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'create', description: 'Managers: create a server paid from the treasury and start it' })
  async createServer(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateServerOptions,
  ): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const server = await this.guilds.createServer(actor, guildId, { name: options.name, gameType: options.game, start: options.start ?? undefined });
    await interaction.editReply({ embeds: [serverEmbed(server, 'Guild server created; the treasury pays its hours.')] });
  }

  @Subcommand({ name: 'start', description: 'Managers: start a guild server (the treasury pays the next hour)' })
  startServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: GuildServerOptions): Promise<void> {
    return this.power(interaction, actor, 'Starting', (guildId) => this.guilds.startServer(actor, guildId, options.server));
  }

  @Subcommand({ name: 'stop', description: 'Managers: stop a guild server' })
  stopServer(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() options: GuildServerOptions): Promise<void> {
    return this.power(interaction, actor, 'Stopping', (guildId) => this.guilds.stopServer(actor, guildId, options.server));
  }

  @Subcommand({ name: 'delete', description: 'Managers: stop a guild server if needed and delete it' })
  async deleteServer(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: GuildServerOptions,
  ): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.guilds.deleteServer(actor, guildId, options.server);
    await interaction.editReply({ embeds: [successEmbed('Guild server deleted')] });
  }

  /** A power action answers once Agones has it: deferred, then the server as the action left it. */
  private async power(
    interaction: ChatInputCommandInteraction,
    actor: Actor,
    verb: string,
    act: (guildId: string) => Promise<ServerActionView>,
  ): Promise<void> {
    const guildId = await seen(this.guilds, interaction, actor);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [actionEmbed(await act(guildId), verb)] });
  }
}

function treasuryEmbed(summary: GuildTreasuryView, page: Paginated<CreditTransactionView>): EmbedBuilder {
  const lines = page.items.map((r) => `\`${r.amount > 0 ? '+' : ''}${r.amount}\` ${r.reason} → ${formatCredits(r.balanceAfter)}`);
  return infoEmbed('🏦 Guild treasury', lines.length ? lines.join('\n') : 'Nothing yet: members add GameCredits with /guild deposit.')
    .addFields({ name: 'Balance', value: formatCredits(summary.balance), inline: true })
    .setFooter({
      text: summary.manager ? 'You manage this server: /guild servers create' : 'Managers ("Manage Server") create servers paid from it',
    });
}
