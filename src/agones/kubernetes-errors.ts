import { DomainError, ErrorCode } from '../common/errors/domain-error';

// Node/undici/node-fetch system error codes that mean "could not reach the API server at all".
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/** HTTP status of a failed Kubernetes call: ApiException carries `code`, Watch errors carry `statusCode`. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') {
    return code;
  }
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** The `message` of a Kubernetes Status body; ApiException hands the body over as JSON text. */
function statusMessage(err: unknown): string | undefined {
  let body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  const message = (body as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message.slice(0, 300) : undefined;
}

/**
 * Turns whatever the Kubernetes client threw into the one error services expect, worded for a person
 * and without the client's message (which embeds headers and the raw body).
 */
export function toUpstreamError(action: string, err: unknown, timeoutMs: number): DomainError {
  if (err instanceof DomainError) {
    return err;
  }
  const status = statusOf(err);
  if (status !== undefined) {
    const detail = statusMessage(err);
    return new DomainError(ErrorCode.UPSTREAM_FAILED, `Kubernetes API answered ${status} when trying to ${action}${detail ? `: ${detail}` : ''}`, {
      status,
    });
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `Kubernetes API did not answer within ${timeoutMs} ms when trying to ${action}`, {
      timeoutMs,
    });
  }
  const { code, type } = (err ?? {}) as { code?: unknown; type?: unknown };
  // node-fetch marks every socket-level failure as type "system".
  if (typeof code === 'string' && (UNREACHABLE.has(code) || type === 'system')) {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `Kubernetes API is unreachable (${code}) when trying to ${action}`, { code });
  }
  return new DomainError(ErrorCode.UPSTREAM_FAILED, `Kubernetes API gave an unusable answer when trying to ${action}`);
}
