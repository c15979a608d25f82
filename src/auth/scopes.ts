/** Every scope an API key may carry; `admin` implies all others. */
export const SCOPES = [
  'servers:read',
  'servers:write',
  'servers:power',
  'schedules:read',
  'schedules:write',
  'profile:read',
  'credits:write',
  'keys:manage',
  'webhooks:manage',
  /** Act for a Discord guild the bot saw the user manage ("Manage Server"): its servers and notice channel. */
  'guilds:manage',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What a regular user may hold (everything but admin). */
export const USER_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== 'admin');
