import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Economy1764115400000 implements MigrationInterface {
  name = 'Economy1764115400000';

  async up(q: QueryRunner): Promise<void> {
    // Daily bonus: one conditional UPDATE of this column decides who may claim (sliding 24 h window).
    await q.query('ALTER TABLE users ADD COLUMN last_daily_at timestamptz');

    // Servers owned now, for the servers leaderboard. A trigger keeps it (and the lifetime
    // user_stats.servers_created) exact in the same transaction as every insert/delete of a server,
    // whichever code path writes the servers table.
    await q.query(
      'ALTER TABLE users ADD COLUMN server_count int NOT NULL DEFAULT 0 CONSTRAINT users_server_count_non_negative CHECK (server_count >= 0)',
    );
    await q.query(`
      CREATE FUNCTION agis_count_servers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE users SET server_count = server_count - 1 WHERE id = OLD.owner_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          UPDATE users SET server_count = server_count + 1 WHERE id = NEW.owner_id;
        END IF;
        IF TG_OP = 'INSERT' THEN
          INSERT INTO user_stats (user_id, servers_created) VALUES (NEW.owner_id, 1)
          ON CONFLICT (user_id) DO UPDATE SET servers_created = user_stats.servers_created + 1, updated_at = now();
        END IF;
        RETURN NULL;
      END $$`);
    await q.query('CREATE TRIGGER servers_count_ins_del AFTER INSERT OR DELETE ON servers FOR EACH ROW EXECUTE FUNCTION agis_count_servers()');
    await q.query(`CREATE TRIGGER servers_count_owner AFTER UPDATE OF owner_id ON servers FOR EACH ROW
      WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id) EXECUTE FUNCTION agis_count_servers()`);
    await q.query(
      'UPDATE users u SET server_count = s.n FROM (SELECT owner_id, count(*)::int AS n FROM servers GROUP BY owner_id) s WHERE s.owner_id = u.id',
    );
    await q.query(`UPDATE user_stats st SET servers_created = GREATEST(st.servers_created, u.server_count) FROM users u
      WHERE u.id = st.user_id AND u.server_count > 0`);

    // Leaderboards: the index order is the board order (value desc, older account first, then id),
    // so the top N is an index scan that stops after N rows and a rank is a count over an index range.
    await q.query('CREATE INDEX users_credits_rank_idx ON users (credits DESC, created_at, id)');
    await q.query('CREATE INDEX users_servers_rank_idx ON users (server_count DESC, created_at, id)');

    // WTG coin ledger, same invariants as credit_transactions: users.wtg_coins == sum(amount).
    await q.query(`
      CREATE TABLE wtg_transactions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        reason varchar(40) NOT NULL,
        reference varchar(200),
        idempotency_key varchar(200) UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX wtg_transactions_user_idx ON wtg_transactions (user_id, id DESC)');
    // Coins that existed before the ledger get an opening row so the sum matches from the start.
    await q.query(`INSERT INTO wtg_transactions (user_id, amount, balance_after, reason, idempotency_key)
      SELECT id, wtg_coins, wtg_coins, 'opening_balance', 'wtg_opening:' || id FROM users WHERE wtg_coins > 0`);

    // Ad-network conversions, kept for the fraud record when their user is deleted (user_id and
    // credit_transaction_id become NULL). One row per (provider, conversion id, user): a repeat of the same
    // callback finds its row and replays it. At most one row per (provider, conversion id) can be
    // completed, so a conversion id credits once even if a provider reuses it for another user.
    await q.query(`
      CREATE TABLE ad_conversions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider varchar(16) NOT NULL,
        conversion_id varchar(128) NOT NULL,
        discord_id varchar(20) NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        type varchar(16) NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        status varchar(16) NOT NULL CHECK (status IN ('completed', 'fraud', 'rejected')),
        reason varchar(40),
        latency_ms int NOT NULL CHECK (latency_ms >= 0),
        occurred_at timestamptz,
        credit_transaction_id bigint REFERENCES credit_transactions(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ad_conversions_uq UNIQUE (provider, conversion_id, discord_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX ad_conversions_credited_once ON ad_conversions (provider, conversion_id) WHERE status = 'completed'`);
    // Velocity rule: completed conversions of one user in the last hour.
    await q.query(`CREATE INDEX ad_conversions_user_recent_idx ON ad_conversions (user_id, created_at) WHERE status = 'completed'`);
    // Top earners gauge: completed conversions of the last 24 h.
    await q.query(`CREATE INDEX ad_conversions_recent_idx ON ad_conversions (created_at) WHERE status = 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ad_conversions');
    await q.query('DROP TABLE wtg_transactions');
    await q.query('DROP INDEX users_servers_rank_idx');
    await q.query('DROP INDEX users_credits_rank_idx');
    await q.query('DROP TRIGGER servers_count_owner ON servers');
    await q.query('DROP TRIGGER servers_count_ins_del ON servers');
    await q.query('DROP FUNCTION agis_count_servers()');
    await q.query('ALTER TABLE users DROP COLUMN server_count');
    await q.query('ALTER TABLE users DROP COLUMN last_daily_at');
  }
}
