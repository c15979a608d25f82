import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Transactions } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { RewardSlot, Tier } from '../users/users.types';
import { CreditsService } from './credits.service';

/** One kind of timed reward: which slot on users it takes, how often, how much per tier. */
export interface RewardSlotSpec {
  slot: RewardSlot;
  cooldownMinutes: number;
  amount: Record<Tier, number>;
  /** Ledger reason of the grant. */
  reason: string;
  /** The refusal's text, given the wait in words ("23 h 59 min"). */
  refusal(wait: string): string;
}

/** What a claim answers: the grant, the balance after it, and when the next claim opens. */
export interface RewardClaim {
  amount: number;
  balance: number;
  claimedAt: string;
  nextClaimAt: string;
}

/**
 * The claim behind the daily bonus and /work. The slot is taken by a conditional UPDATE on the user's
 * row (at the Clock's now) and the credits are granted in the same transaction, so concurrent claims
 * produce exactly one grant, and a grant never exists without its slot (nor a slot without its grant).
 * The window slides: a claim opens the next one `cooldownMinutes` later, the same in every time zone.
 */
@Injectable()
export class RewardSlotsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly credits: CreditsService,
  ) {}

  claim(actor: Actor, spec: RewardSlotSpec): Promise<RewardClaim> {
    return this.transactions.run(async (tx) => {
      const slot = await this.users.takeSlotIn(tx, actor.userId, spec.slot, spec.cooldownMinutes);
      if (!slot) {
        const next = await this.users.nextSlotIn(tx, actor.userId, spec.slot, spec.cooldownMinutes);
        if (!next) {
          throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
        }
        throw new DomainError(ErrorCode.ALREADY_CLAIMED, spec.refusal(formatDuration(next.retryAfterSeconds)), {
          retryAfterSeconds: next.retryAfterSeconds,
          nextClaimAt: next.nextClaimAt.toISOString(),
        });
      }
      const amount = spec.amount[slot.tier];
      const entry = await this.credits.grantIn(tx, actor.userId, amount, spec.reason, {
        idempotencyKey: `${spec.slot}:${actor.userId}:${slot.claimedAt.toISOString()}`,
      });
      const nextClaimAt = new Date(slot.claimedAt.getTime() + spec.cooldownMinutes * 60_000);
      return { amount, balance: entry.balanceAfter, claimedAt: slot.claimedAt.toISOString(), nextClaimAt: nextClaimAt.toISOString() };
    });
  }
}

/** `23 h 59 min`, `42 min`, `30 s`: a wait as a refusal says it. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}
