/** Who is acting, whatever the transport; every service method takes it first. */
export interface Actor {
  userId: string;
  scopes: readonly string[];
  /** How the actor reached us: an API key (its id) or a Discord interaction. */
  via:
    | { kind: 'api-key'; keyId: string; /** The client address the key was used from (activity log). */ ip?: string }
    | { kind: 'discord' }
    | { kind: 'system'; name: string };
}

export function hasScope(actor: Actor, scope: string): boolean {
  return actor.scopes.includes('admin') || actor.scopes.includes(scope);
}
