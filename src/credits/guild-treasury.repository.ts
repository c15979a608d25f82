import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { GuildNotice } from './guild-treasury.types';

/** SQL of guild_accounts: the treasuries' balances (their rows are guild_transactions, written by the Ledger). */
@Injectable()
export class GuildTreasuryRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the guild's account at zero if it has none (a concurrent creation is not an error). */
  async ensureIn(tx: Tx, guildId: string): Promise<void> {
    await tx.query('INSERT INTO guild_accounts (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING', [guildId]);
  }

  /** Moves the balance by a signed delta unless it would go below zero: the new balance, or null (cannot pay, or no account). */
  async moveIn(tx: Tx, guildId: string, delta: number): Promise<number | null> {
    const [rows]: [Array<{ balance: string }>, number] = await tx.query(
      'UPDATE guild_accounts SET balance = balance + $2 WHERE guild_id = $1 AND balance + $2 >= 0 RETURNING balance',
      [guildId, delta],
    );
    return rows[0] ? Number(rows[0].balance) : null;
  }

  /** The balance (inside `tx` when given); null for a guild without an account. */
  async balanceOf(tx: Tx | null, guildId: string): Promise<number | null> {
    const rows: Array<{ balance: string }> = await (tx ?? this.db).query('SELECT balance FROM guild_accounts WHERE guild_id = $1', [guildId]);
    return rows[0] ? Number(rows[0].balance) : null;
  }

  /** Sets (or, with null, clears) the channel told when the treasury cannot pay; creates the account if needed. */
  async setNoticeChannel(guildId: string, channelId: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO guild_accounts (guild_id, notice_channel_id) VALUES ($1, $2)
       ON CONFLICT (guild_id) DO UPDATE SET notice_channel_id = excluded.notice_channel_id`,
      [guildId, channelId],
    );
  }

  async noticeChannelOf(guildId: string): Promise<string | null> {
    const rows: Array<{ notice_channel_id: string | null }> = await this.db.query(
      'SELECT notice_channel_id FROM guild_accounts WHERE guild_id = $1',
      [guildId],
    );
    return rows[0]?.notice_channel_id ?? null;
  }

  /** Queues a message for the guild's notice channel, if it has one (nothing otherwise). */
  async noticeIn(tx: Tx, guildId: string, content: string): Promise<void> {
    await tx.query(
      `INSERT INTO guild_notices (guild_id, channel_id, content)
       SELECT guild_id, notice_channel_id, $2 FROM guild_accounts WHERE guild_id = $1 AND notice_channel_id IS NOT NULL`,
      [guildId, content],
    );
  }

  /** Claims up to `limit` unsent notices for `leaseMs` (a bot that dies while sending leaves them to the next claim). */
  async claimNotices(limit: number, leaseMs: number): Promise<GuildNotice[]> {
    const [rows]: [Array<{ id: string; guild_id: string; channel_id: string; content: string }>, number] = await this.db.query(
      `UPDATE guild_notices SET claimed_until = now() + make_interval(secs => $2 / 1000.0)
       WHERE id IN (SELECT id FROM guild_notices WHERE outcome IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, guild_id, channel_id, content`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({ id: r.id, guildId: r.guild_id, channelId: r.channel_id, content: r.content }));
  }

  async finishNotice(id: string, outcome: 'sent' | 'failed'): Promise<void> {
    await this.db.query('UPDATE guild_notices SET outcome = $2 WHERE id = $1', [id, outcome]);
  }
}
