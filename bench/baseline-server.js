'use strict';
// The bare baseline: node:http + pg doing the same SQL as agis for /users/me and /servers, nothing else
// (no framework, no validation layer, no logging, no metrics). agis is measured against this.
//   DATABASE_URL=... PORT=... node bench/baseline-server.js
const { createServer } = require('node:http');
const { createHash, timingSafeEqual } = require('node:crypto');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const TOKEN = /^Bearer\s+agis_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/i;

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const fail = (res, status, code, message) => send(res, status, { success: false, error: { code, message } });

/**
 * API-key lookup by id, SHA-256 of the presented secret compared in constant time, expiry, revocation,
 * allow-list (the bench's keys have none; an exact address match stands in for agis's CIDR check) and scope.
 */
async function authenticate(req, scope) {
  const m = TOKEN.exec(req.headers.authorization ?? '');
  if (!m) {
    return null;
  }
  const { rows } = await pool.query(
    `SELECT k.secret_hash, k.user_id, k.scopes, k.allowed_ips, k.expires_at, k.revoked_at, u.discord_id
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`, [m[1]]);
  const key = rows[0];
  if (!key) {
    return null;
  }
  const presented = createHash('sha256').update(m[2]).digest();
  const stored = Buffer.from(key.secret_hash, 'hex');
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored) || key.revoked_at
    || (key.expires_at && key.expires_at.getTime() <= Date.now()) || !(key.scopes.includes(scope) || key.scopes.includes('admin'))
    || (key.allowed_ips.length > 0 && !key.allowed_ips.includes(req.socket.remoteAddress))) {
    return null;
  }
  return { userId: key.user_id, discordId: key.discord_id };
}

async function me(req, res) {
  const actor = await authenticate(req, 'profile:read');
  if (!actor) {
    return fail(res, 401, 'UNAUTHENTICATED', 'Unknown API key');
  }
  const { rows: [u] } = await pool.query(
    'SELECT discord_id, username, credits, wtg_coins, tier, created_at FROM users WHERE id = $1', [actor.userId]);
  return send(res, 200, { success: true, data: {
    discordId: u.discord_id, username: u.username, credits: Number(u.credits), wtgCoins: Number(u.wtg_coins), tier: u.tier,
    createdAt: u.created_at.toISOString(),
  } });
}

async function listServers(req, res, query) {
  const actor = await authenticate(req, 'servers:read');
  if (!actor) {
    return fail(res, 401, 'UNAUTHENTICATED', 'Unknown API key');
  }
  const page = Number(query.get('page') ?? 1);
  const perPage = Number(query.get('perPage') ?? 25);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    return fail(res, 400, 'VALIDATION_FAILED', 'page and perPage must be positive integers (perPage at most 100)');
  }
  const { rows } = await pool.query(
    `SELECT id, owner_id, name, game_type, status, address, port, gameserver_name, cost_per_hour, billed_until, start_seq, start_charged,
            last_error, stop_reason, created_at, updated_at
     FROM servers WHERE owner_id = $1 ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
    [actor.userId, perPage, (page - 1) * perPage]);
  const { rows: [{ count }] } = await pool.query('SELECT count(*)::int AS count FROM servers WHERE owner_id = $1', [actor.userId]);
  return send(res, 200, {
    success: true,
    data: rows.map((s) => ({
      id: s.id, name: s.name, gameType: s.game_type, status: s.status, address: s.address, port: s.port, costPerHour: s.cost_per_hour,
      billedUntil: s.billed_until?.toISOString() ?? null, lastError: s.last_error, stopReason: s.stop_reason,
      createdAt: s.created_at.toISOString(), updatedAt: s.updated_at.toISOString(),
    })),
    meta: { page, perPage, total: count, totalPages: Math.ceil(count / perPage) },
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline');
  let handled;
  if (req.method === 'GET' && url.pathname === '/api/v1/users/me') {
    handled = me(req, res);
  } else if (req.method === 'GET' && url.pathname === '/api/v1/servers') {
    handled = listServers(req, res, url.searchParams);
  } else if (url.pathname === '/readyz') {
    handled = pool.query('SELECT 1').then(() => send(res, 200, { success: true, data: { status: 'ready' } }));
  } else {
    handled = Promise.resolve(fail(res, 404, 'NOT_FOUND', 'No such route'));
  }
  handled.catch(() => fail(res, 500, 'INTERNAL', 'Something went wrong'));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
