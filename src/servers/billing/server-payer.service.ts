import { Injectable } from '@nestjs/common';
import { CreditsService } from '../../credits/credits.service';
import { LedgerEntry, LedgerOptions } from '../../credits/credits.types';
import { GuildTreasuryService } from '../../credits/guild-treasury.service';
import { Tx } from '../../database/transactions';
import { Server } from '../servers.types';

/**
 * Who pays for a server's hours: its guild's treasury for a guild server, its owner's GC otherwise. Every charge
 * and refund of an hour (a start, the billing tick, a failed start's refund) goes through here, so a guild server
 * never touches its creator's balance. Both refuse with INSUFFICIENT_CREDITS when they cannot pay.
 */
@Injectable()
export class ServerPayer {
  constructor(
    private readonly credits: CreditsService,
    private readonly treasury: GuildTreasuryService,
  ) {}

  spendIn(tx: Tx, s: Pick<Server, 'ownerId' | 'guildId'>, amount: number, reason: string, opts: LedgerOptions): Promise<LedgerEntry> {
    return s.guildId ? this.treasury.spendIn(tx, s.guildId, amount, reason, opts) : this.credits.spendIn(tx, s.ownerId, amount, reason, opts);
  }

  refundIn(tx: Tx, s: Pick<Server, 'ownerId' | 'guildId'>, amount: number, reason: string, opts: LedgerOptions): Promise<LedgerEntry> {
    return s.guildId ? this.treasury.grantIn(tx, s.guildId, amount, reason, opts) : this.credits.grantIn(tx, s.ownerId, amount, reason, opts);
  }

  /** A guild server stopped because its treasury could not pay: the guild's channel is told (if it set one). */
  async cannotPayIn(tx: Tx, s: Server, price: number): Promise<void> {
    if (s.guildId) {
      await this.treasury.noticeIn(
        tx,
        s.guildId,
        `⚠️ The treasury could not pay the next hour of **${s.name}** (${price} GC), so it was stopped. Deposit with /guild deposit, then start it again with /guild servers start.`,
      );
    }
  }
}
