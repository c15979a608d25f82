import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Paginated } from '../common/envelope';
import { LedgerEntry, LedgerOptions } from '../credits/credits.types';
import { Ledger } from '../credits/ledger';
import { WtgTransactionView } from './shop.types';

export const WTG_TRANSACTIONS_TOTAL = 'agis_wtg_transactions_total';

/**
 * The only writer of users.wtg_coins, through the same Ledger as GameCredits: one conditional
 * balance update plus one wtg_transactions row per movement, in one transaction, so the coin
 * balance never goes negative and always equals the sum of its rows. Idempotent by key.
 */
@Injectable()
export class WtgLedgerService {
  private readonly ledger: Ledger;

  constructor(db: DataSource, @InjectMetric(WTG_TRANSACTIONS_TOTAL) private readonly movements: Counter<string>) {
    this.ledger = new Ledger(db, {
      table: 'wtg_transactions', balanceColumn: 'wtg_coins', unit: 'WTG',
      insufficient: (required, balance) => new DomainError(ErrorCode.INSUFFICIENT_WTG,
        `Not enough WTG coins: ${required} needed, ${balance} available`, { required, balance }),
    });
  }

  async grant(userId: string, coins: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grant(userId, coins, reason, opts, em));
  }

  /** Takes coins; INSUFFICIENT_WTG (details {required, balance}) when the balance cannot pay. */
  async spend(userId: string, coins: number, reason: string, opts: LedgerOptions = {}, em?: EntityManager): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spend(userId, coins, reason, opts, em));
  }

  history(userId: string, page: { page?: number; perPage?: number }): Promise<Paginated<WtgTransactionView>> {
    return this.ledger.history(userId, page);
  }

  private counted(entry: LedgerEntry): LedgerEntry {
    if (!entry.replayed) {
      this.movements.inc({ reason: entry.reason });
    }
    return entry;
  }
}
