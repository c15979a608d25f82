import { Injectable, Logger } from '@nestjs/common';
import { Client, DiscordAPIError, type EmbedBuilder, escapeMarkdown } from 'discord.js';
import { ClaimLoopJob } from '../../common/background/claim-loop-job';
import { ClaimLoop } from '../../common/background/claim-loop';
import { AppConfig } from '../../config/app-config';
import { COLORS, FittedEmbed, formatCredits } from '../../discord/embeds';
import { DirectMessage, EventsService } from '../../events/events.service';
import { StaffNotice } from '../../events/events.types';
import { noticeEmbed } from './server-embeds';
import { ServerView } from '../servers.types';

const BATCH = 20;

/**
 * The bot role tells owners about their servers by direct message: ready (with address and ports), stopped
 * by a schedule or for lack of credits, failed (with the reason); and users about GameCredits someone gave
 * them (/gift, POST /credits/gifts). Messages are the event log's rows marked
 * for a DM, claimed with a lease; each is sent at most once per claim and marked sent, skipped (the owner
 * turned them off with /notifications) or failed (Discord refused, e.g. 50007 when the user's privacy
 * settings close DMs from the bot). A failed DM is not retried: the event is also on the SSE stream and webhooks.
 * A bot-role job: it needs the gateway's Client, so DirectMessagesModule is imported only where the bot runs.
 */
@Injectable()
export class DirectMessages extends ClaimLoopJob<DirectMessage> {
  private readonly logger = new Logger(DirectMessages.name);
  protected readonly loop: ClaimLoop<DirectMessage>;

  constructor(
    private readonly client: Client,
    private readonly events: EventsService,
    config: AppConfig,
  ) {
    super();
    this.loop = new ClaimLoop({
      intervalMs: config.DIRECT_MESSAGES_TICK_MS,
      limit: () => BATCH,
      claim: (n) => this.events.claimDirectMessages(n),
      handle: (m) => this.deliver(m),
      logger: this.logger,
      what: 'Direct messages',
    });
  }

  private async deliver(m: DirectMessage): Promise<void> {
    if (!m.enabled) {
      await this.events.finishDirectMessage(m.id, 'skipped');
      return;
    }
    try {
      const embed =
        m.kind === 'gift'
          ? giftEmbed(m.payload.gift as GiftNotice)
          : m.kind === 'staff'
            ? staffEmbed(m.payload.staff as StaffNotice)
            : noticeEmbed(m.kind, m.server as unknown as ServerView);
      await this.client.users.send(m.discordId, { embeds: [embed] });
      await this.events.finishDirectMessage(m.id, 'sent');
    } catch (err) {
      const code = err instanceof DiscordAPIError ? err.code : undefined;
      this.logger.warn(
        `Could not send a ${m.kind} direct message to ${m.discordId}${code ? ` (Discord ${code})` : ''}: ${err instanceof Error ? err.message : String(err)}`,
      );
      await this.events.finishDirectMessage(m.id, 'failed');
    }
  }
}

/** The `gift` of a credits.gift_received event (GiftsService writes it). */
interface GiftNotice {
  amount: number;
  note: string | null;
  from: { discordId: string; username: string };
}

/** `🎁 You received 250 GC` from whom, with their note; the sender's name is theirs to choose, so it is shown as plain text. */
function giftEmbed(gift: GiftNotice): EmbedBuilder {
  const from = `From **${escapeMarkdown(gift.from.username)}** (<@${gift.from.discordId}>)`;
  return new FittedEmbed()
    .setColor(COLORS.success)
    .setTitle(`🎁 You received ${formatCredits(gift.amount)}`)
    .setDescription(gift.note ? `${from}:\n> ${escapeMarkdown(gift.note)}` : `${from}.`)
    .setFooter({ text: '/transactions shows your history · /notifications to turn these off' });
}

/** `🛡️ Staff stopped your server "survival"` with the reason staff gave (their words, shown as plain text). */
function staffEmbed(notice: StaffNotice): EmbedBuilder {
  const verb = notice.action === 'server.delete' ? 'deleted' : 'stopped';
  return new FittedEmbed()
    .setColor(COLORS.warning)
    .setTitle(`🛡️ Staff ${verb} your server "${escapeMarkdown(notice.serverName)}"`)
    .setDescription(`Reason:\n> ${escapeMarkdown(notice.reason)}`)
    .setFooter({ text: `Server ${notice.serverId}` });
}
