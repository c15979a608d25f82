import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import { DomainError, ErrorCode } from '../common/errors/domain-error';

export const REWARD_CALLBACKS_PATH = 'rewards/callbacks';

/**
 * Reward callbacks are signed over their exact bytes, and the signature is checked before the body is
 * read: a forged or garbled callback is 401 and counted as a bad signature, never a parse error. So
 * their bodies are taken raw (req.rawBody, whatever the content type) ahead of the app's JSON parser,
 * which then leaves them alone (register this before it), and parsed only once the signature holds.
 */
export function readRewardCallbacksRaw(app: NestExpressApplication, prefix: string, limit: string): void {
  const path = `/${prefix}/${REWARD_CALLBACKS_PATH}/`;
  app.useBodyParser('raw', { limit, type: (req: IncomingMessage) => (req.url ?? '').startsWith(path) });
}

/** The signed body as JSON; VALIDATION_FAILED when the provider signed something that is not JSON. */
export function parseCallbackJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is not valid JSON');
  }
}
