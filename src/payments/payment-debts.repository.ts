import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';

export interface DebtRecord {
  id: string;
  reference: string;
  outstanding: number;
}

/** payment_debts: the WTG coins a refund or dispute should have taken back but the balance no longer held. */
@Injectable()
export class PaymentDebtsRepository {
  constructor(private readonly db: DataSource) {}

  async insertIn(tx: Tx, userId: string, reference: string, coins: number): Promise<void> {
    await tx.query('INSERT INTO payment_debts (user_id, reference, coins, outstanding) VALUES ($1, $2, $3, $3)', [userId, reference, coins]);
  }

  /** WTG coins the user still owes. */
  async outstandingOf(userId: string): Promise<number> {
    const [{ owed }]: Array<{ owed: number }> = await this.db.query(
      'SELECT COALESCE(sum(outstanding), 0)::int AS owed FROM payment_debts WHERE user_id = $1 AND outstanding > 0',
      [userId],
    );
    return owed;
  }

  /** The user's open debts, oldest first, locked until `tx` ends. */
  async lockOpenIn(tx: Tx, userId: string): Promise<DebtRecord[]> {
    const rows: Array<{ id: string; reference: string; outstanding: number }> = await tx.query(
      'SELECT id::text AS id, reference, outstanding FROM payment_debts WHERE user_id = $1 AND outstanding > 0 ORDER BY payment_debts.id FOR UPDATE',
      [userId],
    );
    return rows;
  }

  /** Lowers a debt by what was paid towards it; a debt paid in full is stamped settled. */
  async repayIn(tx: Tx, debtId: string, coins: number): Promise<void> {
    await tx.query(
      `UPDATE payment_debts SET outstanding = outstanding - $2, settled_at = CASE WHEN outstanding = $2 THEN now() END
       WHERE id = $1 AND outstanding >= $2`,
      [debtId, coins],
    );
  }
}
