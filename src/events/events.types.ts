/** One event of a user's log, as a stream or the bot reads it. `cursor` orders it and resumes after it. */
export interface UserEvent {
  cursor: string;
  event: string;
  at: string;
  data: Record<string, unknown>;
}

/** Where a stream resumes: after this event (transaction id, event id); see EventsRepository.after. */
export interface EventCursor {
  tx: string;
  id: string;
}

/** The events a server's owner is pushed (SSE) — their own servers' lifecycle. */
export const SERVER_EVENT_PREFIX = 'server.';

/** What a Discord direct message tells the owner about; the rest reaches them only if they ask (SSE, webhooks). */
export type DmKind = 'ready' | 'stopped' | 'failed';

export const CURSOR_PATTERN = /^(\d{1,20})-(\d{1,20})$/;

export function formatCursor(c: EventCursor): string {
  return `${c.tx}-${c.id}`;
}
