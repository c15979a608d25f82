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
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // necord runs global guards too: Discord interactions authenticate differently.
    if (context.getType() !== 'http') {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = await this.keys.authenticate(req.headers.authorization, req.ip);
    req.actor = actor;
    const required = this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, targets) ?? [];
    const missing = required.filter((s) => !hasScope(actor, s));
    if (missing.length) {
      throw new DomainError(ErrorCode.FORBIDDEN, `This API key lacks the scope${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        requiredScopes: required,
      });
    }
    return true;
  }
}
