import { Injectable } from '@nestjs/common';
import { Tx } from '../database/transactions';
import { GiftDay } from './gifts.types';

/**
 * What gifts need from the GC ledger beyond a movement: the day's total a sender has given, read inside the
 * gift's transaction. The rows themselves are written by the Ledger (CreditsService).
 */
@Injectable()
export class GiftsRepository {
  /**
   * GC the user gave with gifts since 00:00 UTC (transaction time, the clock of created_at), and when that day
   * ends. The reason is the literal of GiftReason.SENT so the partial index credit_transactions_gifts_sent_idx
   * (migration GiftsSentIndex) serves it.
   */
  async sentTodayIn(tx: Tx, userId: string): Promise<GiftDay> {
    const [row]: Array<{ sent: string; resets_at: Date }> = await tx.query(
      `SELECT coalesce(sum(-amount), 0)::text AS sent,
              (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC' AS resets_at
       FROM credit_transactions
       WHERE user_id = $1 AND reason = 'gift_sent' AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [userId],
    );
    return { sent: Number(row.sent), resetsAt: row.resets_at };
  }

  /** Whether a ledger row with this idempotency key exists (a gift being retried). */
  async hasKeyIn(tx: Tx, key: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM credit_transactions WHERE idempotency_key = $1', [key]);
    return rows.length > 0;
  }
}
