/** Every scope an API key may carry; `admin` implies all others. */
export const SCOPES = [
  'servers:read', 'servers:write', 'servers:power',
  'schedules:read', 'schedules:write',
  'profile:read', 'credits:write',
  'keys:manage', 'webhooks:manage',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What a regular user may hold (everything but admin). */
export const USER_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== 'admin');

export const API_KEYS_PER_USER_MAX = 25;
export const API_KEY_NAME_MAX = 64;
export const API_KEY_TTL_DAYS_MAX = 3650;
