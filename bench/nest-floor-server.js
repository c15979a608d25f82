'use strict';
// The framework floor (BENCH_FLOOR=1): NestJS 11 on Express with one guard and one controller doing
// exactly the baseline's SQL with `pg`, and none of agis's cross-cutting layers (request logging,
// envelope interceptor, validation pipe, rate limits, helmet, metrics, TypeORM). agis minus this is
// what those layers cost; this minus the baseline is what Nest + Express cost.
//   DATABASE_URL=... PORT=... node bench/nest-floor-server.js
require('reflect-metadata');
const { BadRequestException, Controller, Get, Module, Query, Req, UnauthorizedException, UseGuards } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Pool } = require('pg');
const { authenticate, listServers, profile, validPage } = require('./baseline-queries');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

const decorate = (decorators, target, key) => Reflect.decorate(decorators, target, key, Object.getOwnPropertyDescriptor(target, key));

/** A guard class that resolves the API key for `scope` onto req.actor, or answers 401. */
function keyGuard(scope) {
  return class KeyGuard {
    async canActivate(context) {
      const req = context.switchToHttp().getRequest();
      req.actor = await authenticate(pool, req.headers.authorization, scope, req.socket.remoteAddress);
      if (!req.actor) {
        throw new UnauthorizedException('Unknown API key');
      }
      return true;
    }
  };
}

class FloorController {
  me(req) {
    return profile(pool, req.actor);
  }

  servers(req, query) {
    const page = Number(query.page ?? 1);
    const perPage = Number(query.perPage ?? 25);
    if (!validPage(page, perPage)) {
      throw new BadRequestException('page and perPage must be positive integers (perPage at most 100)');
    }
    return listServers(pool, req.actor, page, perPage);
  }

  ready() {
    return { success: true, data: { status: 'ready' } };
  }
}
Req()(FloorController.prototype, 'me', 0);
Req()(FloorController.prototype, 'servers', 0);
Query()(FloorController.prototype, 'servers', 1);
decorate([Get('api/v1/users/me'), UseGuards(keyGuard('profile:read'))], FloorController.prototype, 'me');
decorate([Get('api/v1/servers'), UseGuards(keyGuard('servers:read'))], FloorController.prototype, 'servers');
decorate([Get('readyz')], FloorController.prototype, 'ready');
Reflect.decorate([Controller()], FloorController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [FloorController] })], FloorModule);

(async () => {
  const app = await NestFactory.create(FloorModule, { logger: ['error'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
})();
