import { WebhookReceiver } from '../../test/fakes/webhook-receiver';
import { postDelivery } from './webhook-http';
import { targetPolicy } from './webhook-target';

describe('postDelivery', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('posts the body with the headers and reports the status', async () => {
    const result = await postDelivery(
      new URL(receiver.url('/ok')),
      '{"x":1}',
      { 'content-type': 'application/json', 'x-agis-event': 'e' },
      targetPolicy(true, []),
      2000,
    );
    expect(result).toEqual({ statusCode: 200, error: null, durationMs: expect.any(Number) });
    expect(receiver.on('/ok')[0]).toEqual(expect.objectContaining({ body: '{"x":1}', headers: expect.objectContaining({ 'x-agis-event': 'e' }) }));
  });

  it('re-checks the address when connecting: a name that now resolves to loopback is refused and nothing is sent', async () => {
    const url = new URL(receiver.url('/rebound').replace('127.0.0.1', 'localhost'));
    const result = await postDelivery(url, '{}', {}, targetPolicy(false, []), 2000);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/refused: localhost resolves to (127\.0\.0\.1|::1)/);
    const literal = await postDelivery(new URL(receiver.url('/rebound')), '{}', {}, targetPolicy(false, []), 2000);
    expect(literal.error).toMatch(/refused: 127\.0\.0\.1/);
    expect(receiver.on('/rebound')).toEqual([]);
  });

  it('times out a receiver that does not answer, and reports non-2xx as errors', async () => {
    receiver.respond('/slow', () => ({ status: 200, delayMs: 1000 }));
    receiver.respond('/teapot', () => ({ status: 418 }));
    const slow = await postDelivery(new URL(receiver.url('/slow')), '{}', {}, targetPolicy(true, []), 150);
    expect(slow).toEqual(expect.objectContaining({ statusCode: null, error: 'timed out after 150 ms' }));
    const teapot = await postDelivery(new URL(receiver.url('/teapot')), '{}', {}, targetPolicy(true, []), 2000);
    expect(teapot).toEqual(expect.objectContaining({ statusCode: 418, error: 'HTTP 418' }));
  });
});
