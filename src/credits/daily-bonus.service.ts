import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DailyBonusView } from './credits.types';
import { PREMIUM_REWARD_MULTIPLIER } from './premium.types';
import { RewardSlotsService } from './reward-slots.service';

export const DAILY_BONUS_GC = { free: 50, premium: 50 * PREMIUM_REWARD_MULTIPLIER } as const;
export const DAILY_BONUS_REASON = 'daily_bonus';
/** Sliding window of the daily bonus: a claim opens the next one exactly 24 h later. */
export const DAILY_WINDOW_HOURS = 24;

/**
 * 50 GC a day (100 for premium in force at the claim). The window slides: a claim opens the next one
 * 24 h later, the same for every time zone, rather than at a calendar midnight that would allow two
 * claims minutes apart. Race-safe through RewardSlotsService (one conditional UPDATE, grant in the same transaction).
 */
@Injectable()
export class DailyBonusService {
  constructor(private readonly slots: RewardSlotsService) {}

  claim(actor: Actor): Promise<DailyBonusView> {
    return this.slots.claim(actor, {
      slot: 'daily',
      cooldownMinutes: DAILY_WINDOW_HOURS * 60,
      amount: DAILY_BONUS_GC,
      reason: DAILY_BONUS_REASON,
      refusal: (wait) => `Daily bonus already claimed; next claim in ${wait}`,
    });
  }
}
