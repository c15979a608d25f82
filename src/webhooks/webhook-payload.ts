import { type DeliveryEvent, type WebhookFormat } from './webhooks.types';

export interface OutgoingDelivery {
  id: string;
  event: DeliveryEvent;
  createdAt: Date;
  payload: Record<string, unknown>;
}

const TITLES: Record<DeliveryEvent, string> = {
  'server.created': 'Server created',
  'server.started': 'Server running',
  'server.stopped': 'Server stopped',
  'server.deleted': 'Server deleted',
  'server.failed': 'Server failed',
  'schedule.executed': 'Schedule ran',
  'schedule.failed': 'Scheduled action failed',
  'credits.low': 'GameCredits running low',
  'webhook.test': 'Test delivery',
};
const COLORS = { ok: 0x2ecc71, bad: 0xe74c3c, info: 0x3498db };
const BAD = new Set<DeliveryEvent>(['server.failed', 'schedule.failed', 'credits.low']);
/** Discord caps: 25 fields, 256-character names, 1024-character values. */
const FIELDS_MAX = 25;

/** The exact bytes POSTed (and signed) for a delivery in the webhook's format. */
export function deliveryBody(format: WebhookFormat, d: OutgoingDelivery): string {
  return format === 'discord'
    ? JSON.stringify(discordBody(d))
    : JSON.stringify({ id: d.id, event: d.event, createdAt: d.createdAt.toISOString(), data: d.payload });
}

function discordBody(d: OutgoingDelivery): { content: string; embeds: unknown[]; allowed_mentions: { parse: never[] } } {
  const fields = Object.entries(flatten(d.payload))
    .slice(0, FIELDS_MAX)
    .map(([name, value]) => ({ name: name.slice(0, 256), value: value.slice(0, 1024) || '—', inline: value.length <= 40 }));
  return {
    content: `**${TITLES[d.event] ?? d.event}** (\`${d.event}\`)`,
    embeds: [
      {
        title: TITLES[d.event] ?? d.event,
        color: BAD.has(d.event) ? COLORS.bad : d.event === 'webhook.test' ? COLORS.info : COLORS.ok,
        fields,
        footer: { text: `agis · delivery ${d.id}` },
        timestamp: d.createdAt.toISOString(),
      },
    ],
    // Payload text comes from users (server names): never let it ping anyone.
    allowed_mentions: { parse: [] },
  };
}

/** `{server: {name: 'x'}}` → `{'server.name': 'x'}`; nulls are left out. */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      Object.assign(out, flatten(v as Record<string, unknown>, key));
    } else if (v !== null && v !== undefined) {
      out[key] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return out;
}

/**
 * Delay before the attempt after `attempt` (1-based): exponential from `baseMs`, capped at `maxMs`, with
 * "equal jitter" (between half and all of it) so failed deliveries of one outage do not retry in lockstep.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
