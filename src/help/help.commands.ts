import { ModuleRef } from '@nestjs/core';
import { MessageFlags } from 'discord.js';
import { CommandsService, Context, Options, SlashCommand, SlashCommandContext } from 'necord';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { echo } from '../common/values/echo';
import { EMBED_DESCRIPTION_MAX, EMBEDS_TOTAL_MAX, linesWithin, pagesBySize } from '../discord/discord-limits';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { infoEmbed } from '../discord/embeds';
import { HelpOptions } from './dto/help.options';
import { type CommandNode, type HelpEntry, helpEntries } from './help-topics';

/**
 * /help, read from the commands the bot registers (necord's CommandsService), so it lists exactly what exists,
 * less what the member's permissions hide (staff commands carry default_member_permissions).
 */
@DiscordCommands()
export class HelpCommands {
  constructor(private readonly moduleRef: ModuleRef) {}

  @SlashCommand({ name: 'help', description: 'The commands you can use, with an example each', ...COMMAND_REACH })
  async showHelp(@Context() [interaction]: SlashCommandContext, @Options() options: HelpOptions): Promise<void> {
    // CommandsService exists only in the bot role, the only role where this handler runs: looked up, not injected.
    const tree = this.moduleRef
      .get(CommandsService, { strict: false })
      .getCommands()
      .map((c) => c.toJSON() as CommandNode);
    const entries = helpEntries(tree, interaction.memberPermissions);
    const wanted = options.command?.trim().replace(/^\//, '').toLowerCase();
    const shown = wanted ? entries.filter((e) => e.path.split(' ')[0] === `/${wanted}`) : entries;
    if (wanted && shown.length === 0) {
      throw new DomainError(ErrorCode.NOT_FOUND, `There is no command /${echo(wanted)} you can use; /help lists them`);
    }
    const lines = wanted ? shown.map((e) => `\`${e.example}\`\n${e.description}`) : shown.map(summaryLine);
    // The whole list within a message's 6,000 characters (less the titles and footer), spread over embeds of 4,096.
    const text = linesWithin(lines, EMBEDS_TOTAL_MAX - HELP_FRAME, (n) => `…and ${n} more: /help command:<name> explains one`);
    const pages = pagesBySize(text.split('\n'), (l) => l.length + 1, Number.MAX_SAFE_INTEGER, EMBED_DESCRIPTION_MAX);
    const title = wanted ? `📖 /${wanted}` : '📖 Commands';
    const embeds = pages.map((page, i) => infoEmbed(i === 0 ? title : `${title} (${i + 1})`, page.join('\n')));
    embeds[embeds.length - 1].setFooter({ text: FOOTER });
    await interaction.reply({ embeds, flags: MessageFlags.Ephemeral });
  }
}

const FOOTER = 'Options in <angle brackets> are yours to fill in';
/** Characters the titles and footer of a /help answer take at most (a title per embed, of at most 40). */
const HELP_FRAME = FOOTER.length + 4 * 40;

function summaryLine(e: HelpEntry): string {
  return `\`${e.example}\` · ${e.description}`;
}
