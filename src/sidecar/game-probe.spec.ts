import { createSocket } from 'node:dgram';
import { isKnownQueryType, UdpBoundProbe } from './game-probe';

describe('UdpBoundProbe', () => {
  it('answers once something in the network namespace has bound the UDP port, and not before', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const probe = new UdpBoundProbe({ host: '127.0.0.1', port, timeoutMs: 1000 });
    try {
      expect(await probe.check()).toEqual({ ok: true });
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
    expect(await probe.check()).toEqual({ ok: false, reason: `UDP port ${port}: nothing has bound it yet` });
  });
});

describe('isKnownQueryType', () => {
  it('knows gamedig game ids and protocol-<name> ids, and nothing else', () => {
    expect(isKnownQueryType('minecraft')).toBe(true);
    expect(isKnownQueryType('protocol-minecraftvanilla')).toBe(true);
    expect(isKnownQueryType('protocol-valve')).toBe(true);
    expect(isKnownQueryType('protocol-nonsense')).toBe(false);
    expect(isKnownQueryType('not-a-game')).toBe(false);
  });
});
