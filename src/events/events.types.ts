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

/** Recorded for the receiver of a gift of GameCredits, in the gift's transaction; payload `{gift: {id, amount, note, from}}`. */
export const GIFT_RECEIVED_EVENT = 'credits.gift_received';

/**
 * What a Discord direct message tells a user about: their servers (ready, stopped, failed) and gifts they
 * received; the rest reaches them only if they ask (SSE, webhooks).
 */
export type DmKind = 'ready' | 'stopped' | 'failed' | 'gift' | 'staff';

/**
 * Recorded for a user when staff stop or delete their server (AdminService), in the transaction of the change;
 * payload `{staff: StaffNotice}`. Sent as a direct message whatever the stop reason, since the owner did not ask for it.
 */
export const STAFF_NOTICE_EVENT = 'staff.notice';

/** What staff did to a user's server, and why (the `staff` of a STAFF_NOTICE_EVENT). */
export interface StaffNotice {
  action: 'server.stop' | 'server.delete';
  serverId: string;
  serverName: string;
  reason: string;
}

export const CURSOR_PATTERN = /^(\d{1,20})-(\d{1,20})$/;

export function formatCursor(c: EventCursor): string {
  return `${c.tx}-${c.id}`;
}
