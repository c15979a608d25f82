import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { statusOf, toUpstreamError } from './kubernetes-errors';

// Shaped like @kubernetes/client-node's ApiException: numeric code, Status body as JSON text, a noisy message.
function apiException(code: number, body: unknown): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}\nMessage: x\nBody: ${JSON.stringify(body)}\nHeaders: {"authorization":"Bearer t"}`), {
    code,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('statusOf', () => {
  it("reads ApiException.code and Watch errors' statusCode, and ignores string codes", () => {
    expect(statusOf(apiException(404, {}))).toBe(404);
    expect(statusOf(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(410);
    expect(statusOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(statusOf(null)).toBeUndefined();
  });
});

describe('toUpstreamError', () => {
  it('maps an HTTP error to UPSTREAM_FAILED with the Status message and nothing of the raw client error', () => {
    const err = toUpstreamError('create a GameServer', apiException(500, { kind: 'Status', message: 'etcd is sad', code: 500 }), 1000);
    expect(err.code).toBe(ErrorCode.UPSTREAM_FAILED);
    expect(err.message).toBe('Kubernetes API answered 500 when trying to create a GameServer: etcd is sad');
    expect(err.details).toEqual({ status: 500 });
  });

  it('maps a 403 or a body that is not JSON to UPSTREAM_FAILED without a detail', () => {
    const err = toUpstreamError('list GameServers', apiException(403, '<html>forbidden</html>'), 1000);
    expect(err.code).toBe(ErrorCode.UPSTREAM_FAILED);
    expect(err.message).toBe('Kubernetes API answered 403 when trying to list GameServers');
  });

  it('maps an aborted (timed out) call to UPSTREAM_UNAVAILABLE naming the timeout', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' });
    const err = toUpstreamError('list GameServers', abort, 750);
    expect(err.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(err.message).toBe('Kubernetes API did not answer within 750 ms when trying to list GameServers');
  });

  it('maps socket failures to UPSTREAM_UNAVAILABLE', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND']) {
      const err = toUpstreamError('read GameServer a', Object.assign(new Error('request failed'), { code, type: 'system' }), 1000);
      expect(err.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(err.message).toBe(`Kubernetes API is unreachable (${code}) when trying to read GameServer a`);
    }
  });

  it('maps anything else to UPSTREAM_FAILED and passes DomainErrors through', () => {
    expect(toUpstreamError('x', new TypeError('GameServer without metadata.name'), 1).message).toBe(
      'Kubernetes API gave an unusable answer when trying to x',
    );
    const domain = new DomainError(ErrorCode.CONFLICT, 'c');
    expect(toUpstreamError('x', domain, 1)).toBe(domain);
  });
});
