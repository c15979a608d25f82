import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { type Actor } from './actor';
import { ApiErrors } from '../common/http/api-docs.decorator';
import { type Scope } from './scopes';

export const PUBLIC_ROUTE = 'agis:public';
export const REQUIRED_SCOPES = 'agis:scopes';

/** No API key needed (probes, metrics, signed callbacks). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Requires a key holding every listed scope (`admin` holds all); documents 401/403. */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiBearerAuth(),
    // Machine-readable in the OpenAPI document (clients, the authorization-matrix and fuzz tests).
    ApiExtension('x-required-scopes', scopes),
    ApiErrors(401, 403),
  );

export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ actor: Actor }>().actor,
);
