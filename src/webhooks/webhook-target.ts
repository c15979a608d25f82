import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as ipaddr from 'ipaddr.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error';

export const WEBHOOK_URL_MAX = 2048;

/** Where webhook URLs may point: public unicast addresses, plus what the operator allows. */
export interface TargetPolicy {
  allowPrivate: boolean;
  allowedCidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export function targetPolicy(allowPrivate: boolean, cidrs: readonly string[]): TargetPolicy {
  return { allowPrivate, allowedCidrs: cidrs.map((c) => ipaddr.parseCIDR(c)) };
}

/** Never a target, whatever the operator allows: these addresses are not one host. */
const NEVER = new Set(['unspecified', 'broadcast', 'multicast']);

/**
 * True when a connection to `address` is allowed. IPv4-mapped IPv6 addresses are judged as the IPv4
 * address they carry, so `::ffff:10.0.0.1` cannot sneak past the IPv4 rules.
 */
export function isAddressAllowed(address: string, policy: TargetPolicy): boolean {
  if (!ipaddr.isValid(address)) {
    return false;
  }
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (NEVER.has(range)) {
    return false;
  }
  if (range === 'unicast' || policy.allowPrivate) {
    return true;
  }
  return policy.allowedCidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** Checks the URL's shape (absolute http(s), no credentials); returns it parsed. DNS is checked separately. */
export function parseTargetUrl(raw: string): URL {
  const refuse = (why: string) => new DomainError(ErrorCode.VALIDATION_FAILED, `url ${why}`, [{ field: 'url', messages: [`url ${why}`] }]);
  if (raw.length > WEBHOOK_URL_MAX) {
    throw refuse(`must be at most ${WEBHOOK_URL_MAX} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse('must use https or http');
  }
  if (url.username || url.password) {
    throw refuse('must not carry credentials');
  }
  if (!url.hostname) {
    throw refuse('must name a host');
  }
  return url;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

type Lookup = (host: string, opts: { all: true }, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * Resolves the host and returns its addresses when every one of them is allowed. Every address is
 * checked, not just the first: a name with one public and one private record is refused.
 */
export async function resolveAllowed(host: string, policy: TargetPolicy, lookup: Lookup = dnsLookup): Promise<LookupAddress[]> {
  const addresses: LookupAddress[] = ipaddr.isValid(host)
    ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }]
    : ((await new Promise((resolve, reject) => lookup(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list)))).catch(
        (err: NodeJS.ErrnoException) => {
          throw new TargetRefused(`cannot resolve ${host} (${err.code ?? err.message})`);
        },
      )) as LookupAddress[]);
  if (addresses.length === 0) {
    throw new TargetRefused(`cannot resolve ${host}`);
  }
  const refused = addresses.find((a) => !isAddressAllowed(a.address, policy));
  if (refused) {
    throw new TargetRefused(`${host} resolves to ${refused.address}, a private, loopback, link-local or reserved address`);
  }
  return addresses;
}

/** The target may not be called; the message names the address, never a secret. */
export class TargetRefused extends Error {}

/** Registration-time check: shape and DNS, answered as VALIDATION_FAILED on the url field. */
export async function assertTargetAllowed(raw: string, policy: TargetPolicy): Promise<URL> {
  const url = parseTargetUrl(raw);
  try {
    await resolveAllowed(hostOf(url), policy);
  } catch (err) {
    if (err instanceof TargetRefused) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `url is not allowed: ${err.message}`, [{ field: 'url', messages: [err.message] }]);
    }
    throw err;
  }
  return url;
}
