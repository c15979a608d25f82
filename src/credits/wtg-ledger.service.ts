import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Paginated } from '../common/http/envelope';
import { Transactions, Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { LedgerEntry, LedgerLine, LedgerOptions } from './credits.types';
import { Ledger, userBalance } from './ledger';
import { LedgerRepository } from './ledger.repository';

export const WTG_TRANSACTIONS_TOTAL = 'agis_wtg_transactions_total';

/**
 * The only writer of users.wtg_coins, through the same Ledger as GameCredits: one conditional
 * balance update plus one wtg_transactions row per movement, in one transaction, so the coin
 * balance never goes negative and always equals the sum of its rows. Idempotent by key.
 */
@Injectable()
export class WtgLedgerService {
  private readonly ledger: Ledger;

  constructor(
    rows: LedgerRepository,
    users: UsersService,
    transactions: Transactions,
    @InjectMetric(WTG_TRANSACTIONS_TOTAL) private readonly movements: Counter<string>,
  ) {
    this.ledger = new Ledger(rows, transactions, {
      table: 'wtg_transactions',
      balances: userBalance(users, 'wtgCoins'),
      unit: 'WTG',
      insufficient: (required, balance) =>
        new DomainError(ErrorCode.INSUFFICIENT_WTG, `Not enough WTG coins: ${required} needed, ${balance} available`, { required, balance }),
    });
  }

  async grantIn(tx: Tx, userId: string, coins: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grantIn(tx, userId, coins, reason, opts));
  }

  /** Takes coins in the caller's transaction; INSUFFICIENT_WTG (details {required, balance}) when the balance cannot pay. */
  async spendIn(tx: Tx, userId: string, coins: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spendIn(tx, userId, coins, reason, opts));
  }

  async grant(userId: string, coins: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.grant(userId, coins, reason, opts));
  }

  async spend(userId: string, coins: number, reason: string, opts: LedgerOptions = {}): Promise<LedgerEntry> {
    return this.counted(await this.ledger.spend(userId, coins, reason, opts));
  }

  history(userId: string, page: { page?: number; perPage?: number }): Promise<Paginated<LedgerLine>> {
    return this.ledger.history(userId, page);
  }

  private counted(entry: LedgerEntry): LedgerEntry {
    if (!entry.replayed) {
      this.movements.inc({ reason: entry.reason });
    }
    return entry;
  }
}
