import * as http from 'node:http';
import * as https from 'node:https';
import { type LookupAddress } from 'node:dns';
import * as ipaddr from 'ipaddr.js';
import { hostOf, isAddressAllowed, resolveAllowed, type TargetPolicy } from './webhook-target';

export interface PostResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const ERROR_MAX = 500;
/** Only this much of a receiver's answer is read; the rest is dropped. */
const RESPONSE_READ_MAX = 64 * 1024;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs one delivery. The address is checked again here, at connection time, through the socket's own
 * DNS lookup: the address we connect to is the address we checked, so a name that resolved to a public
 * address at registration and to 127.0.0.1 now (DNS rebinding) is refused. Redirects are not followed.
 */
export function postDelivery(url: URL, body: string, headers: Record<string, string>, policy: TargetPolicy, timeoutMs: number): Promise<PostResult> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null): PostResult => ({
    statusCode,
    error: error && error.slice(0, ERROR_MAX),
    durationMs: Date.now() - started,
  });
  const host = hostOf(url);
  if (ipaddr.isValid(host) && !isAddressAllowed(host, policy)) {
    return Promise.resolve(done(null, `refused: ${host} is a private, loopback, link-local or reserved address`));
  }
  const lookup = (hostname: string, options: { all?: boolean }, cb: LookupCallback) => {
    resolveAllowed(hostname, policy).then(
      (addresses) => (options.all ? cb(null, addresses) : cb(null, addresses[0].address, addresses[0].family)),
      (err: Error) => cb(Object.assign(new Error(`refused: ${err.message}`), { code: 'EREFUSED' }), []),
    );
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: lookup,
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > RESPONSE_READ_MAX) {
            res.destroy();
          }
        });
        const status = res.statusCode ?? 0;
        const outcome = () => finish(done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`));
        res.on('end', outcome);
        res.on('close', outcome);
        res.on('error', outcome);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err: Error) => finish(done(null, err.message || String(err))));
    req.end(body);
  });
}
