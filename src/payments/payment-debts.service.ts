import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { WtgLedgerService } from '../credits/wtg-ledger.service';
import { Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { PaymentDebtsRepository } from './payment-debts.repository';
import { PaymentReason } from './payments.types';

/**
 * Taking purchased coins back without ever going below zero: what the balance covers is spent through
 * the WTG ledger, the rest is recorded as debt in the same transaction. An outstanding debt blocks new
 * purchases; the coins of a later payment pay it first.
 */
@Injectable()
export class PaymentDebtsService {
  constructor(
    private readonly debts: PaymentDebtsRepository,
    private readonly wtg: WtgLedgerService,
    private readonly users: UsersService,
  ) {}

  /** WTG coins the user owes from reversed payments. */
  owedBy(userId: string): Promise<number> {
    return this.debts.outstandingOf(userId);
  }

  /** Takes up to `coins` back (one ledger row, `reference` = the Stripe id) and records the shortfall as debt. */
  async takeBackIn(tx: Tx, userId: string, coins: number, reason: string, key: string, reference: string): Promise<{ taken: number; owed: number }> {
    await this.users.lockIn(tx, userId);
    const taken = await this.spendUpToIn(tx, userId, coins, reason, key, reference);
    const owed = coins - taken;
    if (owed > 0) {
      await this.debts.insertIn(tx, userId, reference, owed);
    }
    return { taken, owed };
  }

  /** Pays the user's open debts, oldest first, from their balance (just credited by a payment: `paymentId`). */
  async repayIn(tx: Tx, userId: string, paymentId: string): Promise<number> {
    await this.users.lockIn(tx, userId);
    let repaid = 0;
    for (const debt of await this.debts.lockOpenIn(tx, userId)) {
      const paid = await this.spendUpToIn(
        tx,
        userId,
        debt.outstanding,
        PaymentReason.DEBT_REPAYMENT,
        `stripe-debt:${debt.id}:${paymentId}`,
        debt.reference,
      );
      if (paid > 0) {
        await this.debts.repayIn(tx, debt.id, paid);
      }
      repaid += paid;
      if (paid < debt.outstanding) {
        break;
      }
    }
    return repaid;
  }

  /**
   * Spends `coins`, or all the balance holds when that is less; the amount spent. The caller holds the
   * user's row lock, so the balance the ledger reports when it refuses is still the balance when the
   * smaller spend runs (the ledger module exposes balances only through its refusals and rows).
   */
  private async spendUpToIn(tx: Tx, userId: string, coins: number, reason: string, key: string, reference: string): Promise<number> {
    try {
      await this.wtg.spendIn(tx, userId, coins, reason, { idempotencyKey: key, reference });
      return coins;
    } catch (err) {
      const balance = err instanceof DomainError && err.code === ErrorCode.INSUFFICIENT_WTG ? (err.details as { balance: number }).balance : null;
      if (balance === null) {
        throw err;
      }
      if (balance > 0) {
        await this.wtg.spendIn(tx, userId, balance, reason, { idempotencyKey: key, reference });
      }
      return balance;
    }
  }
}
