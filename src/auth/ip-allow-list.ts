import * as ipaddr from 'ipaddr.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error';

export const ALLOWED_IPS_MAX = 50;
export const ALLOWED_IP_ENTRY_MAX = 64;

/** Parses an address strictly (four-part IPv4 or IPv6): `1.2.3` or `0x7f.1` are refused, not guessed. */
function parseStrict(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return ipaddr.IPv4.parse(text);
  }
  if (ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return null;
}

function normalizeEntry(entry: string): string | null {
  const [address, bits, extra] = entry.trim().split('/');
  const ip = parseStrict(address ?? '');
  if (!ip || extra !== undefined) {
    return null;
  }
  if (bits === undefined) {
    return ip.toString();
  }
  const max = ip.kind() === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) {
    return null;
  }
  const network =
    ip.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Validates and normalises an allow-list (IPs and CIDRs, IPv4 or IPv6); duplicates collapse. */
export function normalizeAllowList(entries: readonly string[]): string[] {
  if (entries.length > ALLOWED_IPS_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `allowedIps holds at most ${ALLOWED_IPS_MAX} entries`);
  }
  const bad = entries.filter((e) => typeof e !== 'string' || e.length > ALLOWED_IP_ENTRY_MAX || normalizeEntry(e) === null);
  if (bad.length) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `allowedIps entries must be IPv4/IPv6 addresses or CIDRs: ${bad.slice(0, 5).map(String).join(', ')}`,
      [{ field: 'allowedIps', messages: bad.slice(0, 5).map((e) => `${String(e)} is not an IP address or CIDR`) }],
    );
  }
  return [...new Set(entries.map((e) => normalizeEntry(e)!))];
}

/** True when the client address is on the list; an empty list allows any address. */
export function ipAllowed(clientIp: string | undefined, allowList: readonly string[]): boolean {
  if (allowList.length === 0) {
    return true;
  }
  if (!clientIp || !ipaddr.isValid(clientIp)) {
    return false;
  }
  const ip = ipaddr.process(clientIp);
  return allowList.some((entry) => {
    if (!entry.includes('/')) {
      return entry === ip.toString();
    }
    const [net, bits] = ipaddr.parseCIDR(entry);
    return net.kind() === ip.kind() && ip.match(net, bits);
  });
}
