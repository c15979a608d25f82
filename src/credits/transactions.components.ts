import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type EmbedBuilder } from 'discord.js';
import { Button, ButtonContext, ComponentParam, Context } from 'necord';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { PAGE_MAX } from '../common/http/pagination';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { DiscordCommands } from '../discord/discord-commands.decorator';
import { EMBED_DESCRIPTION_MAX, linesWithin } from '../discord/discord-limits';
import { formatCredits, formatWtg, infoEmbed, relativeTime } from '../discord/embeds';
import { CreditsService } from './credits.service';
import { LedgerLine } from './credits.types';
import { WtgLedgerService } from './wtg-ledger.service';

export const HISTORY_CURRENCIES = ['gc', 'wtg'] as const;
export type HistoryCurrency = (typeof HISTORY_CURRENCIES)[number];
/** Ledger lines per /transactions page (each line is at most ~150 characters, far inside an embed). */
export const HISTORY_PER_PAGE = 10;

// Custom ids carry the ledger, the page and the Discord user who ran /transactions, so any replica can answer a press.
const PAGE_BUTTON = 'transactions/page';

/**
 * One page of the actor's GC or WTG ledger, newest first: the same pages as GET /users/me/transactions and
 * GET /shop/transactions. A page past the end (a stale button) shows the last page instead.
 */
export async function historyPage(
  ledgers: { credits: CreditsService; wtg: WtgLedgerService },
  actor: Actor,
  currency: HistoryCurrency,
  page: number,
): Promise<Paginated<LedgerLine>> {
  const read = (p: number) =>
    currency === 'wtg'
      ? ledgers.wtg.history(actor.userId, { page: p, perPage: HISTORY_PER_PAGE })
      : ledgers.credits.history(actor, { page: p, perPage: HISTORY_PER_PAGE });
  const history = await read(page);
  return history.items.length === 0 && history.meta.totalPages > 0 && page > history.meta.totalPages ? read(history.meta.totalPages) : history;
}

/** The page as an ephemeral message: its lines, and Previous / Next buttons when there is more than one page. */
export function historyReply(
  history: Paginated<LedgerLine>,
  currency: HistoryCurrency,
  by: string,
): { embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> } {
  const { page, totalPages, total } = history.meta;
  const format = currency === 'wtg' ? formatWtg : formatCredits;
  const title = currency === 'wtg' ? '📜 WTG coin history' : '📜 GameCredits history';
  if (total === 0) {
    return { embeds: [infoEmbed(title, 'No transactions yet.')], components: [] };
  }
  const lines = history.items.map((l) => {
    const amount = `${l.amount > 0 ? '+' : '-'}${format(Math.abs(l.amount))}`;
    return `**${amount}** ${reasonLabel(l.reason)}${counterparty(l.reference)} · ${relativeTime(l.createdAt)} · balance ${format(l.balanceAfter)}`;
  });
  const embed = infoEmbed(
    title,
    linesWithin(lines, EMBED_DESCRIPTION_MAX, (n) => `… and ${n} more`),
  ).setFooter({
    text: `Page ${page} of ${totalPages} · ${total.toLocaleString('en-US')} transactions · newest first`,
  });
  if (totalPages <= 1) {
    return { embeds: [embed], components: [] };
  }
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`${PAGE_BUTTON}/${currency}/${page - 1}/${by}`)
      .setLabel('Previous')
      .setEmoji('◀️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(page <= 1),
    new ButtonBuilder()
      .setCustomId(`${PAGE_BUTTON}/${currency}/${page + 1}/${by}`)
      .setLabel('Next')
      .setEmoji('▶️')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(page >= totalPages),
  );
  return { embeds: [embed], components: [row] };
}

/** `daily_bonus` → `Daily bonus`, `wtg_conversion` → `WTG conversion`: any reason, including ones added later. */
function reasonLabel(reason: string): string {
  const words = reason.split('_').map((w) => (w === 'wtg' || w === 'gc' ? w.toUpperCase() : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The other user of a gift (`to:<id>`, `from:<id>`) as a mention, which an embed shows as their name without pinging them. */
function counterparty(reference: string | null): string {
  const m = /^(to|from):(\d{5,20})$/.exec(reference ?? '');
  return m ? ` ${m[1]} <@${m[2]}>` : '';
}

/** The Previous / Next buttons under a /transactions page; the history itself is CreditsService's and WtgLedgerService's. */
@DiscordCommands()
export class TransactionsComponents {
  constructor(
    private readonly credits: CreditsService,
    private readonly wtg: WtgLedgerService,
  ) {}

  @Button(`${PAGE_BUTTON}/:currency/:page/:by`)
  async turnPage(
    @Context() [interaction]: ButtonContext,
    @DiscordActor() actor: Actor,
    @ComponentParam('currency') currency: string,
    @ComponentParam('page') page: string,
    @ComponentParam('by') by: string,
  ): Promise<void> {
    // The buttons page through the history of whoever ran /transactions; only they may press them.
    if (interaction.user.id !== by) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only the user who ran /transactions can page through it');
    }
    const n = Number(page);
    if (!(HISTORY_CURRENCIES as readonly string[]).includes(currency) || !Number.isSafeInteger(n) || n < 1 || n > PAGE_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'This button does not point at a page of your history; run /transactions again');
    }
    const history = await historyPage({ credits: this.credits, wtg: this.wtg }, actor, currency as HistoryCurrency, n);
    await interaction.update(historyReply(history, currency as HistoryCurrency, by));
  }
}
