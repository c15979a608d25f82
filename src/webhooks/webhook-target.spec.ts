import { type LookupAddress } from 'node:dns';
import { assertTargetAllowed, isAddressAllowed, resolveAllowed, targetPolicy } from './webhook-target';

const strict = targetPolicy(false, []);

describe('webhook target policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    'not-an-ip',
  ])('refuses %s by default', (address) => {
    expect(isAddressAllowed(address, strict)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isAddressAllowed(address, strict)).toBe(true);
  });

  it('lets the operator allow private ranges, by switch or by CIDR, but never unspecified or multicast', () => {
    expect(isAddressAllowed('10.1.2.3', targetPolicy(true, []))).toBe(true);
    expect(isAddressAllowed('0.0.0.0', targetPolicy(true, []))).toBe(false);
    expect(isAddressAllowed('ff02::1', targetPolicy(true, []))).toBe(false);
    const cidr = targetPolicy(false, ['10.20.0.0/16', 'fd00::/8']);
    expect(isAddressAllowed('10.20.3.4', cidr)).toBe(true);
    expect(isAddressAllowed('10.21.3.4', cidr)).toBe(false);
    expect(isAddressAllowed('fd12::1', cidr)).toBe(true);
    expect(isAddressAllowed('127.0.0.1', cidr)).toBe(false);
  });

  it('refuses a name when any of its addresses is private (one public record is not enough)', async () => {
    const lookup = (answer: LookupAddress[]) => (_h: string, _o: { all: true }, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
      cb(null, answer);
    await expect(
      resolveAllowed(
        'mixed.example',
        strict,
        lookup([
          { address: '8.8.8.8', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ]),
      ),
    ).rejects.toThrow(/10\.0\.0\.1/);
    await expect(resolveAllowed('public.example', strict, lookup([{ address: '8.8.8.8', family: 4 }]))).resolves.toHaveLength(1);
    const failing = (_h: string, _o: { all: true }, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
      cb(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }), []);
    await expect(resolveAllowed('missing.example', strict, failing)).rejects.toThrow(/cannot resolve missing.example \(ENOTFOUND\)/);
  });

  it.each([
    ['ftp://example.com/x', /https or http/],
    ['http://u:p@example.com/', /credentials/],
    ['/relative', /absolute/],
    [`https://example.com/${'a'.repeat(2100)}`, /at most 2048/],
    ['http://[::1]:8080/x', /resolves to ::1/],
  ])('refuses the URL %s at registration', async (url, message) => {
    await expect(assertTargetAllowed(url, strict)).rejects.toThrow(message);
  });
});
