import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Buying WTG coins with Stripe Checkout (the payments module). The coins themselves move in
 * wtg_transactions through the ledger; these tables say which payment a movement belongs to and make
 * every Stripe redelivery, in any order, change nothing twice.
 */
export class Payments1764300000000 implements MigrationInterface {
  name = 'Payments1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per Checkout Session agis created. It turns 'paid' once, by a conditional upsert: the one
    // transaction that makes that change grants the coins. coins_reversed only grows, up to coins.
    await q.query(`
      CREATE TABLE payment_checkouts (
        id varchar(255) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        package_id varchar(40) NOT NULL,
        coins int NOT NULL CHECK (coins > 0),
        amount_cents int NOT NULL CHECK (amount_cents > 0),
        currency varchar(3) NOT NULL,
        status varchar(8) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
        payment_intent varchar(255) UNIQUE,
        coins_reversed int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        CONSTRAINT payment_checkouts_reversed_range CHECK (coins_reversed >= 0 AND coins_reversed <= coins),
        CONSTRAINT payment_checkouts_paid_at CHECK ((status = 'paid') = (paid_at IS NOT NULL))
      )`);
    await q.query('CREATE INDEX payment_checkouts_user_idx ON payment_checkouts (user_id, created_at DESC)');

    // Stripe events handled, by event id: a redelivery of one finds it and does nothing.
    await q.query(`
      CREATE TABLE payment_events (
        id varchar(255) PRIMARY KEY,
        type varchar(100) NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The hourly purge (PaymentEventsJanitor) drops events past the redelivery window by this.
    await q.query('CREATE INDEX payment_events_received_idx ON payment_events (received_at)');

    // Refunds (id refund:<charge>:<cumulative amount>) and disputes (dispute:<dispute id>) of a payment,
    // kept from their event until applied; one that arrives before its payment's completion waits here.
    await q.query(`
      CREATE TABLE payment_reversals (
        id varchar(300) PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        kind varchar(8) NOT NULL CHECK (kind IN ('refund', 'dispute')),
        stripe_id varchar(255) NOT NULL,
        payment_intent varchar(255) NOT NULL,
        amount_cents int NOT NULL CHECK (amount_cents > 0),
        currency varchar(3) NOT NULL,
        coins_taken int CHECK (coins_taken >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz,
        CONSTRAINT payment_reversals_applied CHECK ((coins_taken IS NULL) = (applied_at IS NULL))
      )`);
    await q.query('CREATE INDEX payment_reversals_intent_idx ON payment_reversals (payment_intent, seq)');

    // What a reversal could not take because the coins were already spent; while any is outstanding the
    // user cannot start a new purchase.
    await q.query(`
      CREATE TABLE payment_debts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reference varchar(255) NOT NULL,
        coins int NOT NULL CHECK (coins > 0),
        outstanding int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        CONSTRAINT payment_debts_outstanding_range CHECK (outstanding >= 0 AND outstanding <= coins)
      )`);
    await q.query('CREATE INDEX payment_debts_open_idx ON payment_debts (user_id) WHERE outstanding > 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE payment_debts');
    await q.query('DROP TABLE payment_reversals');
    await q.query('DROP TABLE payment_events');
    await q.query('DROP TABLE payment_checkouts');
  }
}
