import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { fixedHeaders } from './fixed-headers';

function response(): ServerResponse {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  res.setHeader('X-Powered-By', 'Express');
  return res;
}

describe('fixed headers', () => {
  it('sets exactly the headers helmet sets (and removes X-Powered-By as helmet does), on every response', () => {
    const options = { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } } };
    const byHelmet = response();
    helmet(options)(byHelmet.req, byHelmet, () => undefined);
    const fixed = fixedHeaders(helmet(options));
    for (let i = 0; i < 2; i++) {
      const res = response();
      let passed = false;
      fixed(res.req, res, () => (passed = true));
      expect(passed).toBe(true);
      expect(res.getHeaders()).toEqual(byHelmet.getHeaders());
    }
    expect(byHelmet.getHeader('content-security-policy')).toBe("default-src 'self';frame-ancestors 'none'");
    expect(byHelmet.getHeader('x-powered-by')).toBeUndefined();
  });

  it('refuses a middleware that does not pass the request on at once', () => {
    expect(() => fixedHeaders(() => undefined)).toThrow(/did not pass the request on/);
  });
});
