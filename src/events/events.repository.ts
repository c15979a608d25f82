import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transactions';
import { EventCursor } from './events.types';

/** One row of user_events as readers see it. */
export interface StoredEvent {
  id: string;
  txId: string;
  userId: string;
  event: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

interface EventRow {
  id: string;
  tx_id: string;
  user_id: string;
  event: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

const toStoredEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  txId: r.tx_id,
  userId: r.user_id,
  event: r.event,
  payload: r.payload,
  createdAt: r.created_at,
});

/**
 * SQL of user_events, the per-user event log written in the same transaction as the change it reports.
 *
 * Readers page by (tx_id, id), not by id alone: ids are handed out at insert, so a transaction still running
 * can commit a smaller id after a larger one was read. Only rows of transactions older than every transaction
 * still running (`tx_id < pg_snapshot_xmin(pg_current_snapshot())`) are read, and any row committed later has a
 * larger tx_id than all of them: a reader resuming after (tx_id, id) misses nothing and sees nothing twice.
 */
@Injectable()
export class EventsRepository {
  constructor(private readonly db: DataSource) {}

  async insertIn(tx: Tx, userId: string, event: string, payload: Record<string, unknown>, dmPending: boolean): Promise<void> {
    await tx.query('INSERT INTO user_events (user_id, event, payload, dm_status) VALUES ($1, $2, $3::jsonb, $4)', [
      userId,
      event,
      JSON.stringify(payload),
      dmPending ? 'pending' : 'none',
    ]);
  }

  /** Where a new reader starts: after everything already finished. */
  async head(): Promise<EventCursor> {
    const [row]: Array<{ tx: string }> = await this.db.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS tx');
    return { tx: String(BigInt(row.tx) - 1n), id: '9223372036854775807' };
  }

  /** A user's events after `cursor` whose event name starts with `prefix`, oldest first. */
  async after(userId: string, cursor: EventCursor, prefix: string, limit: number): Promise<StoredEvent[]> {
    const rows: EventRow[] = await this.db.query(
      `SELECT id::text, tx_id::text, user_id, event, payload, created_at FROM user_events
       WHERE user_id = $1 AND starts_with(event, $2)
         AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
         AND (tx_id, id) > ($3::text::xid8, $4::bigint)
       ORDER BY tx_id, id LIMIT $5`,
      [userId, prefix, cursor.tx, cursor.id, limit],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * Claims direct messages to send (SKIP LOCKED keeps two bot replicas off the same rows); marks them in one step.
   * Who to send them to is the users module's to tell (UsersService.contactsOf): user_events.user_id cascades
   * from users, so every claimed row has its user.
   */
  async claimDms(limit: number, leaseMs: number): Promise<StoredEvent[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [EventRow[], number] = await this.db.query(
      `UPDATE user_events SET dm_status = 'sending', dm_lease_until = now() + make_interval(secs => $2 / 1000.0)
       WHERE id IN (SELECT id FROM user_events
                    WHERE (dm_status = 'pending' OR (dm_status = 'sending' AND dm_lease_until < now()))
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id::text, tx_id::text, user_id, event, payload, created_at`,
      [limit, leaseMs],
    );
    return rows.map(toStoredEvent);
  }

  async finishDm(id: string, status: 'sent' | 'skipped' | 'failed'): Promise<void> {
    await this.db.query(`UPDATE user_events SET dm_status = $2, dm_lease_until = NULL WHERE id = $1 AND dm_status = 'sending'`, [id, status]);
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.db.query('DELETE FROM user_events WHERE created_at < $1', [cutoff]);
    return Number(result[1] ?? 0);
  }
}
