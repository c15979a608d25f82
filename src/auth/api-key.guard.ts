import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Actor, hasScope } from './actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from './auth.decorators';
import { Authenticator } from './authenticator';

/**
 * Global guard for HTTP: every route needs a valid key unless @Public(); @RequireScopes() adds scope checks.
 * ApiKeysModule registers it (APP_GUARD) beside the Authenticator it binds.
 */
/** What a route asks of the caller, from its decorators (read once per route). */
interface RouteAccess {
  isPublic: boolean;
  requiredScopes: string[];
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // necord runs global guards too: Discord interactions authenticate differently.
    if (context.getType() !== 'http') {
      return true;
    }
    const { isPublic, requiredScopes: required } = this.accessOf(context);
    if (isPublic) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = await this.keys.authenticate(req.headers.authorization, req.ip);
    req.actor = actor;
    const missing = required.filter((s) => !hasScope(actor, s));
    if (missing.length) {
      throw new DomainError(ErrorCode.FORBIDDEN, `This API key lacks the scope${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        requiredScopes: required,
      });
    }
    return true;
  }

  /** Decorator metadata never changes after boot: the reflector is asked once per handler and controller. */
  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.routes.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.routes.set(controller, byHandler);
    }
    let access = byHandler.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false,
        requiredScopes: this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, targets) ?? [],
      };
      byHandler.set(handler, access);
    }
    return access;
  }
}
