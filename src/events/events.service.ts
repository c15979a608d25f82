import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { EventsRepository, StoredEvent } from './events.repository';
import {
  CURSOR_PATTERN,
  DmKind,
  EventCursor,
  formatCursor,
  GIFT_RECEIVED_EVENT,
  SERVER_EVENT_PREFIX,
  STAFF_NOTICE_EVENT,
  UserEvent,
} from './events.types';

const PAGE = 100;

export interface EventPage {
  events: UserEvent[];
  next: EventCursor;
  full: boolean;
}

/** One direct message to send: what happened (to which server, or which gift), and whether the user wants to be told. */
export interface DirectMessage {
  id: string;
  kind: DmKind;
  discordId: string;
  enabled: boolean;
  /** The server of a server kind (`payload.server`); empty for other kinds. */
  server: Record<string, unknown>;
  /** The event's whole payload (a gift's is `{gift}`). */
  payload: Record<string, unknown>;
}

/** A claimed message not finished by then (a bot that died while sending) is claimed again. */
const DM_LEASE_MS = 60_000;
/** Stops a user did not ask for: these are worth a direct message; their own stop is not. */
const TOLD_STOP_REASONS = new Set(['insufficient_credits', 'schedule', 'gameserver_gone']);

/** Which direct message an event is, if any. */
export function dmKindOf(event: string, payload: Record<string, unknown>): DmKind | null {
  const server = (payload.server ?? {}) as { stopReason?: unknown };
  switch (event) {
    case 'server.started':
      return 'ready';
    case 'server.failed':
      return 'failed';
    case 'server.stopped':
      return TOLD_STOP_REASONS.has(String(server.stopReason)) ? 'stopped' : null;
    case GIFT_RECEIVED_EVENT:
      return 'gift';
    case STAFF_NOTICE_EVENT:
      return 'staff';
    default:
      return null;
  }
}

/**
 * The per-user event log: every event a user's webhooks could receive is recorded here in the transaction of
 * the change, whether or not a webhook wants it, and a received gift (GIFT_RECEIVED_EVENT) for the bot to tell.
 * The SSE stream reads it by cursor; the bot sends some as direct messages.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly repo: EventsRepository,
    private readonly users: UsersService,
  ) {}

  /** Records the event in the caller's transaction: it is in the log exactly when the change it reports committed. */
  recordIn(tx: Tx, userId: string, event: string, payload: Record<string, unknown>): Promise<void> {
    return this.repo.insertIn(tx, userId, event, payload, dmKindOf(event, payload) !== null);
  }

  /** The cursor a stream resumes from: the client's Last-Event-ID, or now. */
  async resumeFrom(lastEventId: string | undefined): Promise<EventCursor> {
    if (lastEventId === undefined || lastEventId === '') {
      return this.repo.head();
    }
    const m = CURSOR_PATTERN.exec(lastEventId);
    if (!m) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Last-Event-ID must be an event id this stream sent (digits-digits)', [
        { field: 'Last-Event-ID', messages: ['not an event id'] },
      ]);
    }
    return { tx: m[1], id: m[2] };
  }

  /** Direct messages to send now (claimed with a lease, so two bot replicas never send the same one). */
  async claimDirectMessages(limit: number): Promise<DirectMessage[]> {
    const rows = await this.repo.claimDms(limit, DM_LEASE_MS);
    if (rows.length === 0) {
      return [];
    }
    const contacts = await this.users.contactsOf([...new Set(rows.map((r) => r.userId))]);
    return rows.flatMap((r) => {
      const kind = dmKindOf(r.event, r.payload);
      const contact = contacts.get(r.userId);
      return kind && contact
        ? [
            {
              id: r.id,
              kind,
              discordId: contact.discordId,
              enabled: contact.directMessages,
              server: (r.payload.server ?? {}) as Record<string, unknown>,
              payload: r.payload,
            },
          ]
        : [];
    });
  }

  finishDirectMessage(id: string, status: 'sent' | 'skipped' | 'failed'): Promise<void> {
    return this.repo.finishDm(id, status);
  }

  /** The actor's server events after `cursor`, oldest first (at most one page), and the cursor after them. */
  async serverEventsAfter(actor: Actor, cursor: EventCursor): Promise<EventPage> {
    const rows = await this.repo.after(actor.userId, cursor, SERVER_EVENT_PREFIX, PAGE);
    const last = rows.at(-1);
    return { events: rows.map(toUserEvent), next: last ? { tx: last.txId, id: last.id } : cursor, full: rows.length === PAGE };
  }
}

function toUserEvent(e: StoredEvent): UserEvent {
  return { cursor: formatCursor({ tx: e.txId, id: e.id }), event: e.event, at: new Date(e.createdAt).toISOString(), data: e.payload };
}
