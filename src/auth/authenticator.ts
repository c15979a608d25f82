import { type Actor } from './actor';

/**
 * The port ApiKeyGuard authenticates with: auth/ knows how a request presents a key, not where keys
 * live. ApiKeysModule binds it (`useExisting: ApiKeysService`), so this layer imports no feature.
 */
export abstract class Authenticator {
  /**
   * Resolves an `Authorization` header to the acting user, or throws a DomainError: UNAUTHENTICATED
   * saying why (missing, malformed, unknown, revoked, expired), FORBIDDEN for a key used from outside
   * its IP allow-list.
   */
  abstract authenticate(authorization: string | undefined, clientIp?: string): Promise<Actor>;
}
