import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const RATE_LIMITED = 'agis_api_rate_limited_total';

/**
 * Per-key rate-limit refusals (429). The rate-limit guard runs before authentication, so a refusal is
 * counted under the presented key id only when this process has authenticated that key before: the label
 * is bounded by the keys in use, never by ids a client makes up. Refusals without such a key count under
 * key_id="none". (agis_api_requests_total, counted by the HTTP metrics middleware, is registered in metrics/.)
 */
export const apiKeysMetricProviders = [
  makeCounterProvider({ name: RATE_LIMITED, help: 'API requests refused by the rate limit (429), by API key id', labelNames: ['key_id'] }),
];
