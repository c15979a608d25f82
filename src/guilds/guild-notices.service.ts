import { Injectable, Logger } from '@nestjs/common';
import { Client, DiscordAPIError, Routes } from 'discord.js';
import { ClaimLoopJob } from '../common/background/claim-loop-job';
import { ClaimLoop } from '../common/background/claim-loop';
import { AppConfig } from '../config/app-config';
import { GuildNotice } from '../credits/guild-treasury.types';
import { GuildTreasuryService } from '../credits/guild-treasury.service';

const BATCH = 20;

/**
 * The bot role posts a guild's notices (a guild server stopped because the treasury could not pay) to the
 * channel its managers set with /guild channel set: Discord REST "Create Message" in that channel. Each notice
 * is claimed with a lease and posted at most once per claim; one Discord refuses (the channel is gone 10003,
 * the bot may not post there 50001/50013) is marked failed and not retried. A bot-role job, like DirectMessages.
 */
@Injectable()
export class GuildNotices extends ClaimLoopJob<GuildNotice> {
  private readonly logger = new Logger(GuildNotices.name);
  protected readonly loop: ClaimLoop<GuildNotice>;

  constructor(
    private readonly client: Client,
    private readonly treasury: GuildTreasuryService,
    config: AppConfig,
  ) {
    super();
    this.loop = new ClaimLoop({
      intervalMs: config.DIRECT_MESSAGES_TICK_MS,
      limit: () => BATCH,
      claim: (n) => this.treasury.claimNotices(n),
      handle: (n) => this.post(n),
      logger: this.logger,
      what: 'Guild notices',
    });
  }

  private async post(n: GuildNotice): Promise<void> {
    try {
      // Straight to REST: the channel need not be in the gateway's cache.
      await this.client.rest.post(Routes.channelMessages(n.channelId), { body: { content: n.content, allowed_mentions: { parse: [] } } });
      await this.treasury.finishNotice(n.id, 'sent');
    } catch (err) {
      const code = err instanceof DiscordAPIError ? err.code : undefined;
      this.logger.warn(`Could not post a notice to channel ${n.channelId} of guild ${n.guildId}${code ? ` (Discord ${code})` : ''}: ${String(err)}`);
      await this.treasury.finishNotice(n.id, 'failed');
    }
  }
}
