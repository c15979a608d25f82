import { MessageFlags } from 'discord.js';
import { Context, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { DiscordCommands } from '../discord/discord-commands.decorator';
import { formatCredits, successEmbed } from '../discord/embeds';
import { GameCatalogService } from '../servers/catalog/game-catalog.service';
import { AdminCommand, staffConfig } from './admin.commands';
import { AdminGameOptions, AdminPriceOptions } from './dto/admin.options';
import { staffActorOf } from './staff-actor';

/** `/admin pricing set|disable|enable`: the Discord adapter of the catalog's staff methods (REST: PUT /admin/games/:key). */
@AdminCommand({ name: 'pricing', description: 'Game prices and which games are offered' })
@DiscordCommands()
export class AdminPricingCommands {
  constructor(
    private readonly catalog: GameCatalogService,
    private readonly config: AppConfig,
  ) {}

  @Subcommand({ name: 'set', description: "Change a game's hourly price; running servers pay it from their next hour" })
  async setPrice(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminPriceOptions): Promise<void> {
    const game = await this.catalog.setPrice(staffActorOf(interaction, actor, staffConfig(this.config)), o.game, o.gcPerHour);
    await interaction.reply({
      embeds: [successEmbed(`${game.name} costs ${formatCredits(game.hourlyCost)}/h`, 'Every running server pays it from its next billed hour.')],
      flags: MessageFlags.Ephemeral,
    });
  }

  @Subcommand({ name: 'disable', description: 'Stop offering a game: hidden and refused at create; running servers carry on' })
  async disableGame(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminGameOptions): Promise<void> {
    const game = await this.catalog.setEnabled(staffActorOf(interaction, actor, staffConfig(this.config)), o.game, false);
    await interaction.reply({ embeds: [successEmbed(`${game.name} is no longer offered`)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'enable', description: 'Offer a game again' })
  async enableGame(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor, @Options() o: AdminGameOptions): Promise<void> {
    const game = await this.catalog.setEnabled(staffActorOf(interaction, actor, staffConfig(this.config)), o.game, true);
    await interaction.reply({ embeds: [successEmbed(`${game.name} is offered again`)], flags: MessageFlags.Ephemeral });
  }
}
