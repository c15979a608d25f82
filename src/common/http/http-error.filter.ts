import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, internalError } from '../errors/domain-error';
import { errorBody } from './envelope';
import { RouteMethods } from './route-methods';

const STATUS_CODE: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  422: ErrorCode.UNPROCESSABLE,
  429: ErrorCode.RATE_LIMITED,
  502: ErrorCode.UPSTREAM_FAILED,
  503: ErrorCode.UPSTREAM_UNAVAILABLE,
};

/** Turns anything thrown during an HTTP request into a DomainError; unknown errors become a 500 with a ref. */
export function toDomainError(err: unknown, req: Request, logger: Logger): DomainError {
  if (err instanceof DomainError) {
    return err;
  }
  const parserType = (err as { type?: string } | null)?.type;
  if (parserType === 'entity.parse.failed') {
    return new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is not valid JSON');
  }
  if (parserType === 'entity.too.large') {
    return new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large');
  }
  if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
    return new DomainError(ErrorCode.VALIDATION_FAILED, 'Unsupported request body encoding');
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    // Nest's own not-found handler and its mapping of body-parser/URI errors are the only
    // HttpExceptions that reach here: our code throws DomainError.
    if (isNoRoute(err)) {
      return new DomainError(ErrorCode.ROUTE_NOT_FOUND, `No route for ${req.method} ${req.path}`);
    }
    if (status === 400 && /JSON/.test(err.message)) {
      return new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is not valid JSON');
    }
    const code = STATUS_CODE[status];
    if (code) {
      const body = err.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      return new DomainError(code, Array.isArray(message) ? message.join('; ') : String(message ?? err.message));
    }
  }
  const ref = randomUUID().slice(0, 8);
  logger.error({ err, ref, path: req.path }, `Unhandled error (ref ${ref})`);
  return internalError(ref);
}

/** Nest's own not-found handler: no route has this method and path. */
function isNoRoute(err: unknown): boolean {
  return err instanceof HttpException && err.getStatus() === 404 && /^Cannot [A-Z]+ /.test(err.message);
}

/** The only place HTTP errors are shaped: the envelope and a status from the error code. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(private readonly routes: RouteMethods) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception;
    }
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    // A known path asked with a method it does not answer is 405 with Allow, not "no route".
    const allowed = isNoRoute(exception) ? this.routes.allowedOn(req.path) : [];
    const err = allowed.length
      ? new DomainError(ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed on ${req.path}; allowed: ${allowed.join(', ')}`, {
          allow: allowed,
        })
      : toDomainError(exception, req, this.logger);
    if (res.headersSent) {
      return;
    }
    if (allowed.length) {
      res.setHeader('Allow', allowed.join(', '));
    }
    if (err.code === ErrorCode.RATE_LIMITED && !res.getHeader('Retry-After')) {
      res.setHeader('Retry-After', '1');
    }
    res.status(err.status).json(errorBody(err));
  }
}
