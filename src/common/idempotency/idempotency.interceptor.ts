import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { from, Observable, of, switchMap, tap, catchError, throwError } from 'rxjs';
import { Actor } from '../../auth/actor';
import { ApiErrors } from '../http/api-docs.decorator';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const NEVER_STORED = 'agis:idempotency-never-stored';
const KEY_MAX = 200;
const KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${KEY_MAX}}$`);
/** A request still "in progress" after this long was lost with its process; a retry may take it over. */
const ABANDON_AFTER_SECONDS = 300;

function stable(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stable).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency-Key: the first request with a key runs; a retry with the same body replays its
 * response; the same key with another body is 422; a retry while the first still runs is 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly records: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header(IDEMPOTENCY_HEADER);
    if (key === undefined || !req.actor) {
      return next.handle();
    }
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be 1-200 printable ASCII characters');
    }
    const userId = req.actor.userId;
    const secretFields = this.reflector.get<string[]>(NEVER_STORED, context.getHandler()) ?? [];
    const hash = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${stable(req.body)}`)
      .digest('hex');
    return from(this.records.begin(userId, key, hash, ABANDON_AFTER_SECONDS)).pipe(
      switchMap((owned) => {
        if (owned) {
          return next.handle().pipe(
            switchMap((data: unknown) =>
              from(this.records.complete(userId, key, res.statusCode, withoutFields(data, secretFields))).pipe(switchMap(() => of(data))),
            ),
            catchError((err: unknown) => from(this.records.release(userId, key)).pipe(switchMap(() => throwError(() => err)))),
          );
        }
        return from(this.records.find(userId, key)).pipe(
          switchMap((record) => {
            if (!record) {
              throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key just finished; retry it');
            }
            if (record.requestHash !== hash) {
              throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, 'This Idempotency-Key was already used with a different request');
            }
            if (record.state === 'in_progress') {
              throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is still in progress');
            }
            return of(record.responseBody).pipe(
              tap(() => {
                res.status(record.responseStatus ?? 200);
                res.setHeader('Idempotent-Replayed', 'true');
              }),
            );
          }),
        );
      }),
    );
  }
}

/** A stored response never keeps secrets (a new key, a signing secret): a replay omits them. */
function withoutFields(data: unknown, fields: string[]): unknown {
  if (!fields.length || !data || typeof data !== 'object') {
    return data;
  }
  return Object.fromEntries(Object.entries(data).filter(([k]) => !fields.includes(k)));
}

/**
 * Honour `Idempotency-Key` on this POST (documented in Swagger). `secretFields` are shown once:
 * they are never written to the idempotency store, so a replay answers without them.
 */
export const Idempotent = (opts: { secretFields?: string[] } = {}) =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    SetMetadata(NEVER_STORED, opts.secretFields ?? []),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', pattern: KEY_PATTERN.source, minLength: 1, maxLength: KEY_MAX },
      description:
        'Retry-safe key (1-200 printable ASCII characters, else 400): the same key and body replay the first response; ' +
        'another body is 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is 409 IDEMPOTENCY_IN_PROGRESS' +
        (opts.secretFields?.length ? `. A replay comes without ${opts.secretFields.join(', ')}, which is shown only once` : ''),
    }),
    ApiErrors(400, 409, 422),
  );

/** The request's Idempotency-Key, for a service that keys its own ledger row on it (documented once, by @Idempotent). */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  ctx.switchToHttp().getRequest<Request>().header(IDEMPOTENCY_HEADER),
);
