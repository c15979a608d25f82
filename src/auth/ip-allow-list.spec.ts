import { ipAllowed, normalizeAllowList } from './ip-allow-list';

describe('API key IP allow-lists', () => {
  it('normalises addresses and CIDRs (IPv4, IPv6, mapped IPv4) and drops duplicates', () => {
    expect(normalizeAllowList(['10.1.2.3/8', '2001:0DB8::0001', '::ffff:192.0.2.7', '192.0.2.7', '2001:db8::5/32'])).toEqual([
      '10.0.0.0/8',
      '2001:db8::1',
      '192.0.2.7',
      '2001:db8::/32',
    ]);
  });

  it.each([['1.2.3'], ['0x7f.0.0.1'], ['10.0.0.0/33'], ['::1/129'], ['host.example'], ['1.2.3.4/8/1'], ['']])('refuses %p', (entry) => {
    expect(() => normalizeAllowList([entry])).toThrow(/allowedIps/);
  });

  it('refuses more than 50 entries', () => {
    expect(() => normalizeAllowList(Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`))).toThrow(/at most 50/);
  });

  it('matches client addresses against the list', () => {
    const list = normalizeAllowList(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    expect(ipAllowed('10.200.1.1', list)).toBe(true);
    expect(ipAllowed('::ffff:10.200.1.1', list)).toBe(true);
    expect(ipAllowed('2001:db8:1::9', list)).toBe(true);
    expect(ipAllowed('192.0.2.7', list)).toBe(true);
    expect(ipAllowed('192.0.2.8', list)).toBe(false);
    expect(ipAllowed('11.0.0.1', list)).toBe(false);
    expect(ipAllowed(undefined, list)).toBe(false);
    expect(ipAllowed('203.0.113.1', [])).toBe(true);
  });
});
