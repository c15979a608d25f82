import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * A header-only middleware (helmet, with options that hold no per-request value such as a nonce) run once at boot,
 * then replayed: the same headers on every response for one pass over a list instead of a dozen middleware calls.
 * Refuses a middleware that does anything but set and remove headers and call next().
 */
export function fixedHeaders(middleware: Middleware): Middleware {
  const set: Array<[string, string | string[]]> = [];
  const removed: string[] = [];
  let passed = false;
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      set.push([name, Array.isArray(value) ? [...(value as string[])] : String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) {
      throw err instanceof Error ? err : new Error(String(err));
    }
    passed = true;
  });
  if (!passed) {
    throw new Error('fixedHeaders: the middleware did not pass the request on synchronously');
  }
  return (_req, res, next) => {
    for (const [name, value] of set) {
      res.setHeader(name, value);
    }
    for (const name of removed) {
      res.removeHeader(name);
    }
    next();
  };
}
