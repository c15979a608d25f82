import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { PREMIUM_REWARD_MULTIPLIER } from './premium.types';
import { RewardSlotsService } from './reward-slots.service';
import { WORK_REASON, WorkView } from './work.types';

/**
 * /work: WORK_REWARD_GC (premium twice that) once per WORK_COOLDOWN_MINUTES, a sliding window from the
 * last paid claim. Race-safe like the daily bonus: one conditional UPDATE of users.last_work_at and the
 * grant in the same transaction (RewardSlotsService).
 */
@Injectable()
export class WorkService {
  constructor(
    private readonly slots: RewardSlotsService,
    private readonly config: AppConfig,
  ) {}

  claim(actor: Actor): Promise<WorkView> {
    const pay = this.config.WORK_REWARD_GC;
    return this.slots.claim(actor, {
      slot: 'work',
      cooldownMinutes: this.config.WORK_COOLDOWN_MINUTES,
      amount: { free: pay, premium: pay * PREMIUM_REWARD_MULTIPLIER },
      reason: WORK_REASON,
      refusal: (wait) => `You already worked this shift; you can work again in ${wait}`,
    });
  }
}
