'use strict';
// The SQL and JSON of the two measured endpoints, done directly with `pg`: shared by the bare baseline
// (bench/baseline-server.js) and the framework floor (bench/nest-floor-server.js), so both do exactly
// the database work agis does for GET /api/v1/users/me and GET /api/v1/servers.
const { createHash, timingSafeEqual } = require('node:crypto');

const TOKEN = /^Bearer\s+agis_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/i;

/**
 * API-key lookup by id, SHA-256 of the presented secret compared in constant time, expiry, revocation,
 * allow-list (the bench's keys have none; an exact address match stands in for agis's CIDR check) and
 * scope. Returns the actor, or null for any refusal.
 */
async function authenticate(pool, authorization, scope, remoteAddress) {
  const m = TOKEN.exec(authorization ?? '');
  if (!m) {
    return null;
  }
  const { rows } = await pool.query('SELECT secret_hash, user_id, scopes, allowed_ips, expires_at, revoked_at FROM api_keys WHERE id = $1', [m[1]]);
  const key = rows[0];
  if (!key) {
    return null;
  }
  const presented = createHash('sha256').update(m[2]).digest();
  const stored = Buffer.from(key.secret_hash, 'hex');
  if (
    presented.length !== stored.length ||
    !timingSafeEqual(presented, stored) ||
    key.revoked_at ||
    (key.expires_at && key.expires_at.getTime() <= Date.now()) ||
    !(key.scopes.includes(scope) || key.scopes.includes('admin')) ||
    (key.allowed_ips.length > 0 && !key.allowed_ips.includes(remoteAddress))
  ) {
    return null;
  }
  return { userId: key.user_id };
}

/** GET /users/me: the envelope agis answers. */
async function profile(pool, actor) {
  const {
    rows: [u],
  } = await pool.query('SELECT discord_id, username, credits, wtg_coins, tier, premium_until, created_at FROM users WHERE id = $1', [actor.userId]);
  // The tier in force: premium only until premium_until (no end: set by an operator), as agis computes it.
  const premium = u.tier === 'premium' && (u.premium_until === null || u.premium_until.getTime() > Date.now());
  return {
    success: true,
    data: {
      discordId: u.discord_id,
      username: u.username,
      credits: Number(u.credits),
      wtgCoins: Number(u.wtg_coins),
      tier: premium ? 'premium' : 'free',
      premiumUntil: u.premium_until ? u.premium_until.toISOString() : null,
      createdAt: u.created_at.toISOString(),
    },
  };
}

const validPage = (page, perPage) => Number.isInteger(page) && page >= 1 && Number.isInteger(perPage) && perPage >= 1 && perPage <= 100;

/** GET /servers: one page of the owner's servers (newest first) and their count, in agis's envelope. */
async function listServers(pool, actor, page, perPage) {
  const { rows } = await pool.query(
    `SELECT id, owner_id, name, game_type, status, address, port, ports, players_online, players_max, gameserver_name, cost_per_hour,
            billed_until, start_seq, start_charged, start_deadline, last_error, stop_reason, created_at, updated_at
     FROM servers WHERE owner_id = $1 ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
    [actor.userId, perPage, (page - 1) * perPage],
  );
  const {
    rows: [{ count }],
  } = await pool.query('SELECT count(*)::int AS count FROM servers WHERE owner_id = $1', [actor.userId]);
  return {
    success: true,
    data: rows.map((s) => ({
      id: s.id,
      name: s.name,
      gameType: s.game_type,
      status: s.status,
      address: s.address,
      port: s.port,
      ports: s.ports.map((p) => ({ ...p })),
      players: s.players_online !== null && s.players_max !== null ? { online: s.players_online, max: s.players_max } : null,
      costPerHour: s.cost_per_hour,
      billedUntil: s.billed_until?.toISOString() ?? null,
      lastError: s.last_error,
      stopReason: s.stop_reason,
      createdAt: s.created_at.toISOString(),
      updatedAt: s.updated_at.toISOString(),
    })),
    meta: { page, perPage, total: count, totalPages: Math.ceil(count / perPage) },
  };
}

module.exports = { authenticate, profile, listServers, validPage };
