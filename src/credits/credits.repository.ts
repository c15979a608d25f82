import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** GC-only bookkeeping written in the same transaction as a ledger movement. */
@Injectable()
export class CreditsRepository {
  async addToStats(em: EntityManager, userId: string, earned: number, spent: number): Promise<void> {
    await em.query(
      `INSERT INTO user_stats (user_id, credits_earned, credits_spent) VALUES ($1, $2, GREATEST($3, 0))
       ON CONFLICT (user_id) DO UPDATE SET credits_earned = user_stats.credits_earned + $2,
         credits_spent = GREATEST(user_stats.credits_spent + $3, 0), updated_at = now()`,
      [userId, earned, spent]);
  }
}
