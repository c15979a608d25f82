import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The daily gift limit sums a sender's gift_sent rows of the current UTC day inside every gift's transaction
 * (GiftsRepository.sentTodayIn); this keeps that a short range scan however many other rows the user has.
 */
export class GiftsSentIndex1764300160000 implements MigrationInterface {
  name = 'GiftsSentIndex1764300160000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX credit_transactions_gifts_sent_idx ON credit_transactions (user_id, created_at) WHERE reason = 'gift_sent'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX credit_transactions_gifts_sent_idx');
  }
}
