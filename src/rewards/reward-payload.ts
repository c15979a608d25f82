/**
 * The callback body ad networks send: `{conversionId, discordId, amount, type?, timestamp?, ...}`.
 * Providers add fields of their own, so unknown fields are ignored rather than refused.
 */
export const REWARD_PROVIDERS = ['offerwall', 'survey', 'video'] as const;
export type RewardProvider = (typeof REWARD_PROVIDERS)[number];

/** Bounded on purpose: the type is a metric label. */
export const REWARD_TYPES = ['offer', 'survey', 'video', 'install', 'signup', 'purchase', 'other'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

export const DEFAULT_TYPE: Record<RewardProvider, RewardType> = { offerwall: 'offer', survey: 'survey', video: 'video' };

export const CONVERSION_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const DISCORD_ID_PATTERN = /^\d{5,20}$/;

export interface RewardPayload {
  conversionId: string;
  discordId: string;
  amount: number;
  type: RewardType;
  /** When the provider says the conversion happened, if it said. */
  occurredAt: Date | null;
}

export type ParsedPayload =
  | { ok: true; payload: RewardPayload }
  /** Signed but unusable: stored as `rejected` under its conversion id (and the discord id, if it looked like one). */
  | { ok: false; conversionId: string; discordId: string; problems: string[] }
  /** Without a usable conversion id nothing can be stored or deduplicated. */
  | { ok: false; conversionId: null; problems: string[] };

export function isRewardProvider(value: string): value is RewardProvider {
  return (REWARD_PROVIDERS as readonly string[]).includes(value);
}

export function parseRewardPayload(provider: RewardProvider, body: unknown): ParsedPayload {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const conversionId = typeof b.conversionId === 'string' && CONVERSION_ID_PATTERN.test(b.conversionId) ? b.conversionId : null;
  if (!conversionId) {
    return { ok: false, conversionId: null, problems: ['conversionId must be 1-128 characters of A-Z a-z 0-9 . _ : @ -'] };
  }
  const problems: string[] = [];
  const discordId = typeof b.discordId === 'string' && DISCORD_ID_PATTERN.test(b.discordId) ? b.discordId : null;
  if (!discordId) {
    problems.push('discordId must be a Discord snowflake (5-20 digits) as a string');
  }
  const amount = typeof b.amount === 'number' && Number.isSafeInteger(b.amount) && b.amount > 0 ? b.amount : null;
  if (amount === null) {
    problems.push('amount must be a positive whole number of GC');
  }
  const type = b.type === undefined ? DEFAULT_TYPE[provider] : (REWARD_TYPES as readonly unknown[]).includes(b.type) ? (b.type as RewardType) : null;
  if (type === null) {
    problems.push(`type must be one of ${REWARD_TYPES.join(', ')}`);
  }
  const occurredAt = parseTimestamp(b.timestamp);
  if (occurredAt === undefined) {
    problems.push('timestamp must be unix seconds, unix milliseconds or an ISO 8601 date');
  }
  if (problems.length || !discordId || amount === null || type === null || occurredAt === undefined) {
    return { ok: false, conversionId, discordId: discordId ?? '', problems };
  }
  return { ok: true, payload: { conversionId, discordId, amount, type, occurredAt } };
}

/** null when absent, undefined when present but unreadable. Numbers below 1e12 are seconds. */
function parseTimestamp(value: unknown): Date | null | undefined {
  if (value === undefined || value === null) {
    return null;
  }
  const ms =
    typeof value === 'number' && Number.isFinite(value) && value > 0
      ? value < 1e12
        ? value * 1000
        : value
      : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)
        ? Date.parse(value)
        : NaN;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
