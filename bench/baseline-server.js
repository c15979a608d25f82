'use strict';
// The bare baseline: node:http + pg doing the same SQL as agis for /users/me and /servers, nothing else
// (no framework, no validation layer, no logging, no metrics). agis is measured against this.
//   DATABASE_URL=... PORT=... node bench/baseline-server.js
const { createServer } = require('node:http');
const { Pool } = require('pg');
const { authenticate, listServers, profile, validPage } = require('./baseline-queries');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const fail = (res, status, code, message) => send(res, status, { success: false, error: { code, message } });

async function me(req, res) {
  const actor = await authenticate(pool, req.headers.authorization, 'profile:read', req.socket.remoteAddress);
  return actor ? send(res, 200, await profile(pool, actor)) : fail(res, 401, 'UNAUTHENTICATED', 'Unknown API key');
}

async function servers(req, res, query) {
  const actor = await authenticate(pool, req.headers.authorization, 'servers:read', req.socket.remoteAddress);
  if (!actor) {
    return fail(res, 401, 'UNAUTHENTICATED', 'Unknown API key');
  }
  const page = Number(query.get('page') ?? 1);
  const perPage = Number(query.get('perPage') ?? 25);
  if (!validPage(page, perPage)) {
    return fail(res, 400, 'VALIDATION_FAILED', 'page and perPage must be positive integers (perPage at most 100)');
  }
  return send(res, 200, await listServers(pool, actor, page, perPage));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline');
  let handled;
  if (req.method === 'GET' && url.pathname === '/api/v1/users/me') {
    handled = me(req, res);
  } else if (req.method === 'GET' && url.pathname === '/api/v1/servers') {
    handled = servers(req, res, url.searchParams);
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
