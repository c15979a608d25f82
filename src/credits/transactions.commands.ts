import { MessageFlags } from 'discord.js';
import { Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { Actor } from '../auth/actor';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { CreditsService } from './credits.service';
import { TransactionsOptions } from './dto/transactions.options';
import { historyPage, historyReply } from './transactions.components';
import { WtgLedgerService } from './wtg-ledger.service';

/** Discord adapter of the ledgers' history: the same pages as GET /users/me/transactions (GC) and GET /shop/transactions (WTG). */
@DiscordCommands()
export class TransactionsCommands {
  constructor(
    private readonly credits: CreditsService,
    private readonly wtg: WtgLedgerService,
  ) {}

  @SlashCommand({ name: 'transactions', description: 'Your GameCredits or WTG coin history, newest first', ...COMMAND_REACH })
  async showTransactions(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: TransactionsOptions,
  ): Promise<void> {
    const currency = options.currency ?? 'gc';
    const history = await historyPage({ credits: this.credits, wtg: this.wtg }, actor, currency, 1);
    await interaction.reply({ ...historyReply(history, currency, interaction.user.id), flags: MessageFlags.Ephemeral });
  }
}
