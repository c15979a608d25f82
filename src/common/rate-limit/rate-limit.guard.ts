import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { parseToken } from '../../auth/api-key-token';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { RateLimitCounter, WindowHit } from './rate-limit-counter.service';

const WINDOW_MS = 60_000;

/**
 * Operations that create something costly or long-lived (operationIds, i.e. handler names): they also
 * count against RATE_LIMIT_CREATE_PER_MINUTE. Listed here, in one place, rather than on each controller.
 */
export const CREATE_OPERATIONS: ReadonlySet<string> = new Set(['createServer', 'createSchedule', 'createApiKey', 'createWebhook']);

interface Bucket {
  name: string;
  limit: number;
  hit: WindowHit;
}

/**
 * Global HTTP guard (registered before the API-key guard, so 401s carry the headers too): counts the
 * request per API key (per client IP without one) and answers 429 RATE_LIMITED with Retry-After once a
 * window's limit is used up. Every /api/v1 response carries X-RateLimit-Limit/Remaining/Reset (seconds
 * until the window resets) of the tightest bucket that applies.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly counter: RateLimitCounter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // necord runs global guards too: Discord has its own rate limits.
    if (context.getType() !== 'http') {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.path.startsWith('/api/v1/')) {
      return true;
    }
    const res = context.switchToHttp().getResponse<Response>();
    const client = clientOf(req);
    const buckets: Bucket[] = [{ name: 'all', limit: this.config.RATE_LIMIT_PER_MINUTE, hit: await this.counter.hit(`all:${client}`, WINDOW_MS) }];
    if (CREATE_OPERATIONS.has(context.getHandler().name)) {
      buckets.push({ name: 'create', limit: this.config.RATE_LIMIT_CREATE_PER_MINUTE, hit: await this.counter.hit(`create:${client}`, WINDOW_MS) });
    }
    const tightest = buckets.reduce((a, b) => (remaining(b) < remaining(a) ? b : a));
    const resetSeconds = Math.max(1, Math.ceil(tightest.hit.resetInMs / 1000));
    res.setHeader('X-RateLimit-Limit', String(tightest.limit));
    res.setHeader('X-RateLimit-Remaining', String(remaining(tightest)));
    res.setHeader('X-RateLimit-Reset', String(resetSeconds));
    const exceeded = buckets.find((b) => b.hit.count > b.limit);
    if (exceeded) {
      const retryAfter = Math.max(1, Math.ceil(exceeded.hit.resetInMs / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `Too many requests: ${exceeded.limit} per minute allowed${exceeded.name === 'create' ? ' for creations' : ''}; retry in ${retryAfter} s`,
        { limit: exceeded.limit, retryAfterSeconds: retryAfter },
      );
    }
    return true;
  }
}

const remaining = (b: Bucket) => Math.max(0, b.limit - b.hit.count);

/**
 * Who is counted: the API key when the header holds a well-formed one, else the client address. The key
 * is identified by a hash of the whole token, not its public id, so someone who knows a key's id but
 * not its secret cannot use up the owner's allowance: a wrong secret lands in a bucket of its own.
 */
function clientOf(req: Request): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
  const parsed = match ? parseToken(match[1]) : null;
  if (parsed) {
    return `key:${parsed.id}:${createHash('sha256').update(match![1]).digest('hex').slice(0, 16)}`;
  }
  return `ip:${req.ip ?? 'unknown'}`;
}
