import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Transactions } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { CreditsService } from './credits.service';
import { DailyBonusView } from './credits.types';

export const DAILY_BONUS_GC = { free: 50, premium: 100 } as const;
export const DAILY_BONUS_REASON = 'daily_bonus';
/** Sliding window of the daily bonus: a claim opens the next one exactly 24 h later. */
export const DAILY_WINDOW_HOURS = 24;

/**
 * 50 GC a day (100 for premium). The window slides: a claim opens the next one 24 h later, the same
 * for every time zone, rather than at a calendar midnight that would allow two claims minutes apart.
 * The slot is taken by a conditional UPDATE and the credits are granted in the same transaction,
 * so concurrent claims produce exactly one grant.
 */
@Injectable()
export class DailyBonusService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly credits: CreditsService,
  ) {}

  async claim(actor: Actor): Promise<DailyBonusView> {
    return this.transactions.run(async (tx) => {
      const slot = await this.users.takeDailySlotIn(tx, actor.userId, DAILY_WINDOW_HOURS);
      if (!slot) {
        const next = await this.users.nextDailySlotIn(tx, actor.userId, DAILY_WINDOW_HOURS);
        if (!next) {
          throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
        }
        throw new DomainError(ErrorCode.ALREADY_CLAIMED, `Daily bonus already claimed; next claim in ${formatDuration(next.retryAfterSeconds)}`, {
          retryAfterSeconds: next.retryAfterSeconds,
          nextClaimAt: next.nextClaimAt.toISOString(),
        });
      }
      const amount = slot.tier === 'premium' ? DAILY_BONUS_GC.premium : DAILY_BONUS_GC.free;
      const entry = await this.credits.grantIn(tx, actor.userId, amount, DAILY_BONUS_REASON, {
        idempotencyKey: `daily:${actor.userId}:${slot.claimedAt.toISOString()}`,
      });
      const nextClaimAt = new Date(slot.claimedAt.getTime() + DAILY_WINDOW_HOURS * 3_600_000);
      return { amount, balance: entry.balanceAfter, claimedAt: slot.claimedAt.toISOString(), nextClaimAt: nextClaimAt.toISOString() };
    });
  }
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}
