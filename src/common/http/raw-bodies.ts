import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';

/**
 * Routes signed over their exact bytes (reward callbacks, the Stripe webhook) check the signature
 * before the body is read: a forged or garbled request is refused and counted as a bad signature, never
 * a parse error. So their bodies are taken raw (req.rawBody, whatever the content type) ahead of the
 * app's JSON parser, which then leaves them alone (register this before it), and each route parses the
 * body only once the signature holds. `paths` are URL prefixes such as `/api/v1/rewards/callbacks/`.
 */
export function readRawBodies(app: NestExpressApplication, paths: readonly string[], limit: string): void {
  app.useBodyParser('raw', { limit, type: (req: IncomingMessage) => paths.some((path) => (req.url ?? '').startsWith(path)) });
}
