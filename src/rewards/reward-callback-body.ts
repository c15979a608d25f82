import { DomainError, ErrorCode } from '../common/errors/domain-error';

/** Signed over their exact bytes: bootstrap reads their bodies raw (common/http/raw-bodies.ts). */
export const REWARD_CALLBACKS_PATH = 'rewards/callbacks';

/** The signed body as JSON; VALIDATION_FAILED when the provider signed something that is not JSON. */
export function parseCallbackJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is not valid JSON');
  }
}
