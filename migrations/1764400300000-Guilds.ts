import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Guild treasuries (credits/): a Discord guild is an account on the GC ledger, its balance in guild_accounts
 * and its rows in guild_transactions (never negative, always the sum of its rows, idempotent by key, like
 * users.credits and credit_transactions). guild_members (guilds/) remembers who the bot has seen in a guild
 * and whether they had "Manage Server" then, so a REST key of such a user may act for the guild.
 * servers.guild_id marks a server paid from that guild's treasury; guild_notices (credits/) is the outbox of the
 * messages to a guild's notice channel.
 */
export class Guilds1764400300000 implements MigrationInterface {
  name = 'Guilds1764400300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE guild_accounts (
        guild_id varchar(20) PRIMARY KEY CHECK (guild_id ~ '^[0-9]{17,20}$'),
        balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
        notice_channel_id varchar(20) CHECK (notice_channel_id ~ '^[0-9]{17,20}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE guild_transactions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        guild_id varchar(20) NOT NULL REFERENCES guild_accounts(guild_id) ON DELETE CASCADE,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        reason varchar(40) NOT NULL,
        reference varchar(200),
        idempotency_key varchar(200) UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX guild_transactions_guild_idx ON guild_transactions (guild_id, id DESC)');
    // Messages for a guild's notice channel (the treasury could not pay), written in the stop's transaction and
    // claimed under a lease by the bot role (GuildNotices), which posts each once.
    await q.query(`
      CREATE TABLE guild_notices (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        guild_id varchar(20) NOT NULL REFERENCES guild_accounts(guild_id) ON DELETE CASCADE,
        channel_id varchar(20) NOT NULL,
        content varchar(2000) NOT NULL,
        claimed_until timestamptz,
        outcome varchar(8) CHECK (outcome IN ('sent', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX guild_notices_due_idx ON guild_notices (id) WHERE outcome IS NULL');
    await q.query(`
      CREATE TABLE guild_members (
        guild_id varchar(20) NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        manager boolean NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (guild_id, user_id)
      )`);
    // No foreign key: a manager may create a stopped guild server before anyone deposits (the account appears with the first deposit).
    await q.query('ALTER TABLE servers ADD COLUMN guild_id varchar(20)');
    await q.query('CREATE INDEX servers_guild_idx ON servers (guild_id) WHERE guild_id IS NOT NULL');
    // Names are unique among a user's own servers and among a guild's servers (a manager's personal "survival"
    // and their guild's "survival" are two servers).
    await q.query('DROP INDEX servers_owner_name_uq');
    await q.query('CREATE UNIQUE INDEX servers_owner_name_uq ON servers (owner_id, lower(name)) WHERE guild_id IS NULL');
    await q.query('CREATE UNIQUE INDEX servers_guild_name_uq ON servers (guild_id, lower(name)) WHERE guild_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM servers WHERE guild_id IS NOT NULL');
    await q.query('DROP INDEX servers_guild_name_uq');
    await q.query('DROP INDEX servers_owner_name_uq');
    await q.query('ALTER TABLE servers DROP COLUMN guild_id');
    await q.query('CREATE UNIQUE INDEX servers_owner_name_uq ON servers (owner_id, lower(name))');
    await q.query('DROP TABLE guild_members');
    await q.query('DROP TABLE guild_notices');
    await q.query('DROP TABLE guild_transactions');
    await q.query('DROP TABLE guild_accounts');
  }
}
