import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { UsersService } from '../users/users.service';
import {
  BuyPremiumInput,
  PREMIUM_MONTHS_MAX,
  PREMIUM_MONTHS_MIN,
  PREMIUM_REASON,
  PREMIUM_REWARD_MULTIPLIER,
  PremiumPurchaseView,
  PremiumStatusView,
} from './premium.types';
import { WtgLedgerService } from './wtg-ledger.service';

/**
 * Premium bought with WTG coins: PREMIUM_PRICE_WTG_PER_MONTH a month, 1 to 12 months at a time. The
 * coins are taken and the premium end moved in one transaction, so one never happens without the
 * other. The end moves from the later of now and the current end (a renewal adds to what is left); an
 * expired premium reads as free by itself (UsersService computes the tier in force at every read).
 */
@Injectable()
export class PremiumService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly wtg: WtgLedgerService,
    private readonly config: AppConfig,
  ) {}

  async status(actor: Actor): Promise<PremiumStatusView> {
    const user = await this.users.findById(actor.userId);
    return {
      tier: user.tier,
      premiumUntil: user.premiumUntil?.toISOString() ?? null,
      pricePerMonthWtg: this.config.PREMIUM_PRICE_WTG_PER_MONTH,
      monthsMax: PREMIUM_MONTHS_MAX,
      rewardMultiplier: PREMIUM_REWARD_MULTIPLIER,
    };
  }

  async buy(actor: Actor, input: BuyPremiumInput): Promise<PremiumPurchaseView> {
    const { months } = input;
    if (!Number.isSafeInteger(months) || months < PREMIUM_MONTHS_MIN || months > PREMIUM_MONTHS_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `months must be a whole number from ${PREMIUM_MONTHS_MIN} to ${PREMIUM_MONTHS_MAX}`);
    }
    const price = months * this.config.PREMIUM_PRICE_WTG_PER_MONTH;
    const retryKey = input.idempotencyKey ? createHash('sha256').update(input.idempotencyKey).digest('hex') : randomUUID();
    const key = `premium:${actor.userId}:${retryKey}`;
    return this.transactions.run(async (tx) => {
      // Paying first locks the user's row, so concurrent purchases extend one after the other.
      const paid = await this.wtg.spendIn(tx, actor.userId, price, PREMIUM_REASON, { idempotencyKey: key, reference: `months:${months}` });
      if (paid.replayed) {
        // A retry of a purchase already made: it bought once; answer with the premium as it is now.
        const user = await this.users.findById(actor.userId);
        return { months, wtgSpent: price, wtgBalance: paid.balanceAfter, tier: user.tier, premiumUntil: user.premiumUntil!.toISOString() };
      }
      const until = await this.users.extendPremiumIn(tx, actor.userId, months);
      if (!until) {
        // Throwing rolls the payment back with the transaction.
        throw new DomainError(ErrorCode.CONFLICT, 'Your premium has no end date, so there is nothing to buy');
      }
      return { months, wtgSpent: price, wtgBalance: paid.balanceAfter, tier: 'premium', premiumUntil: until.toISOString() };
    });
  }
}
