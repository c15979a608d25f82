import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Actor, hasScope } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { echo } from '../common/values/echo';
import { Paginated } from '../common/http/envelope';
import { CreditsService } from '../credits/credits.service';
import { WtgLedgerService } from '../credits/wtg-ledger.service';
import { Transactions } from '../database/transactions';
import { PaymentsService } from '../payments/payments.service';
import { CheckoutView } from '../payments/payments.types';
import { UsersService } from '../users/users.service';
import { CONVERT_WTG_MAX, GC_PER_WTG, GRANT_WTG_MAX, WTG_PACKAGES, wtgToGc } from './shop-catalog';
import { CheckoutInput, ConversionView, ConvertWtgInput, GrantWtgInput, ShopView, WtgGrantView, WtgReason, WtgTransactionView } from './shop.types';

@Injectable()
export class ShopService implements OnModuleInit {
  private readonly logger = new Logger(ShopService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly wtg: WtgLedgerService,
    private readonly credits: CreditsService,
    private readonly users: UsersService,
    private readonly payments: PaymentsService,
  ) {}

  onModuleInit(): void {
    this.payments.declareCatalog(WTG_PACKAGES);
  }

  catalog(): ShopView {
    return { gcPerWtg: GC_PER_WTG, packages: WTG_PACKAGES.map((p) => ({ ...p, gcValue: wtgToGc(p.coins) })) };
  }

  /**
   * Starts paying for a WTG package with Stripe Checkout: the page's link, valid until `expiresAt`. The
   * coins arrive when Stripe reports the payment (the payments module's webhook), never from this call.
   */
  async checkout(actor: Actor, input: CheckoutInput): Promise<CheckoutView> {
    const pkg = WTG_PACKAGES.find((p) => p.id === input.packageId);
    if (!pkg) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `Unknown WTG package "${echo(input.packageId)}"; choose one of ${WTG_PACKAGES.map((p) => p.id).join(', ')}`,
      );
    }
    return this.payments.startCheckout(
      actor,
      { packageId: pkg.id, name: pkg.name, coins: pkg.coins, priceCents: pkg.priceCents, currency: pkg.currency },
      input.idempotencyKey,
    );
  }

  /** The actor's WTG coin movements, newest first. */
  wtgHistory(actor: Actor, page: { page?: number; perPage?: number }): Promise<Paginated<WtgTransactionView>> {
    return this.wtg.history(actor.userId, page);
  }

  /**
   * WTG → GC at 1:1000 in one transaction: the coin debit and the GC grant commit together or not
   * at all. Both ledger rows carry the same key, so a retry with the same Idempotency-Key converts once.
   */
  async convert(actor: Actor, input: ConvertWtgInput): Promise<ConversionView> {
    if (!Number.isSafeInteger(input.wtg) || input.wtg < 1 || input.wtg > CONVERT_WTG_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `wtg must be a whole number from 1 to ${CONVERT_WTG_MAX}`);
    }
    const retryKey = input.idempotencyKey ? createHash('sha256').update(input.idempotencyKey).digest('hex') : randomUUID();
    const key = `wtg_convert:${actor.userId}:${retryKey}`;
    return this.transactions.run(async (tx) => {
      const debit = await this.wtg.spendIn(tx, actor.userId, input.wtg, WtgReason.CONVERSION, { idempotencyKey: key });
      const credit = await this.credits.grantIn(tx, actor.userId, wtgToGc(input.wtg), WtgReason.CONVERSION, {
        idempotencyKey: key,
        reference: `wtg_transaction:${debit.id}`,
      });
      return {
        wtgSpent: input.wtg,
        gcReceived: credit.amount,
        wtgBalance: debit.balanceAfter,
        creditsBalance: credit.balanceAfter,
        creditTransactionId: credit.id,
        wtgTransactionId: debit.id,
        createdAt: credit.createdAt.toISOString(),
      };
    });
  }

  /** How a payment system credits purchased coins: admin only, one grant per payment reference. */
  async grant(actor: Actor, input: GrantWtgInput): Promise<WtgGrantView> {
    if (!hasScope(actor, 'admin')) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Granting WTG coins needs the admin scope');
    }
    if (!Number.isSafeInteger(input.coins) || input.coins < 1 || input.coins > GRANT_WTG_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `coins must be a whole number from 1 to ${GRANT_WTG_MAX}`);
    }
    const user = await this.users.findByDiscordId(input.discordId);
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, `No user with Discord id ${echo(input.discordId)}`);
    }
    try {
      const entry = await this.wtg.grant(user.id, input.coins, WtgReason.PURCHASE, {
        idempotencyKey: `wtg_purchase:${input.reference}`,
        reference: input.reference,
      });
      if (!entry.replayed) {
        this.logger.log({ by: actor.userId, userId: user.id, coins: input.coins, reference: input.reference }, 'WTG coins granted');
      }
      return {
        discordId: user.discordId,
        coins: entry.amount,
        balanceAfter: entry.balanceAfter,
        reference: input.reference,
        transactionId: entry.id,
        replayed: entry.replayed,
        createdAt: entry.createdAt.toISOString(),
      };
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.IDEMPOTENCY_MISMATCH) {
        throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, `Reference ${input.reference} was already granted with another user or amount`, {
          reference: input.reference,
        });
      }
      throw err;
    }
  }
}
