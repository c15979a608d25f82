import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { echo } from '../common/values/echo';
import { AppConfig } from '../config/app-config';
import { Transactions, Tx } from '../database/transactions';
import { EventsService } from '../events/events.service';
import { GIFT_RECEIVED_EVENT } from '../events/events.types';
import { UsersService } from '../users/users.service';
import { UserRecord } from '../users/users.types';
import { CreditsService } from './credits.service';
import { GiftsRepository } from './gifts.repository';
import { GIFT_AMOUNT_MAX, GIFT_NOTE_MAX, GiftDay, GiftReason, GiftView, SendGiftInput } from './gifts.types';

/**
 * Gifts of GameCredits between users. One transaction takes the GC from the sender and gives it to the
 * receiver (both ledger rows or neither) and records the receiver's event, which the bot turns into a
 * direct message. Each user may give at most GIFT_DAILY_LIMIT_GC per UTC day.
 */
@Injectable()
export class GiftsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repo: GiftsRepository,
    private readonly credits: CreditsService,
    private readonly users: UsersService,
    private readonly events: EventsService,
    private readonly config: AppConfig,
  ) {}

  async send(actor: Actor, input: SendGiftInput): Promise<GiftView> {
    if (!Number.isSafeInteger(input.amount) || input.amount < 1 || input.amount > GIFT_AMOUNT_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `amount must be a whole number of GC from 1 to ${GIFT_AMOUNT_MAX}`);
    }
    const note = noteOf(input.note);
    const receiver = await this.users.findByDiscordId(input.toDiscordId);
    if (!receiver) {
      throw new DomainError(
        ErrorCode.USER_NOT_FOUND,
        `No agis user has Discord id ${echo(input.toDiscordId)}: they need to use the bot once before they can receive gifts`,
      );
    }
    if (receiver.id === actor.userId) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'You cannot send a gift to yourself');
    }
    const sender = await this.users.findById(actor.userId);
    // One id per gift; a retry with the same key is the same gift, and its ledger keys make it change nothing.
    const giftId = input.idempotencyKey
      ? createHash('sha256').update(`${actor.userId}\n${input.idempotencyKey}`).digest('hex').slice(0, 32)
      : randomBytes(16).toString('hex');
    return this.transactions.run((tx) => this.moveIn(tx, { giftId, sender, receiver, amount: input.amount, note }));
  }

  private async moveIn(
    tx: Tx,
    g: { giftId: string; sender: UserRecord; receiver: UserRecord; amount: number; note: string | null },
  ): Promise<GiftView> {
    const limit = this.config.GIFT_DAILY_LIMIT_GC;
    const keys = { sent: `gift:${g.giftId}:sent`, received: `gift:${g.giftId}:received` };
    // Both users' rows are locked, lower id first: gifts A→B and B→A at the same time wait for each other
    // instead of deadlocking, and the sender's lock makes their gifts take turns, so the day's total read
    // next cannot be outrun by a parallel gift (it sees every gift committed before the lock was granted).
    for (const id of [g.sender.id, g.receiver.id].sort()) {
      if (!(await this.users.lockIn(tx, id))) {
        throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
      }
    }
    const retry = await this.repo.hasKeyIn(tx, keys.sent);
    const day = await this.repo.sentTodayIn(tx, g.sender.id);
    if (!retry && g.amount > limit - day.sent) {
      throw limitReached(g.amount, limit, day);
    }
    const debit = await this.credits.spendIn(tx, g.sender.id, g.amount, GiftReason.SENT, {
      idempotencyKey: keys.sent,
      reference: `to:${g.receiver.discordId}`,
    });
    const credit = await this.credits.grantIn(tx, g.receiver.id, g.amount, GiftReason.RECEIVED, {
      idempotencyKey: keys.received,
      reference: `from:${g.sender.discordId}`,
    });
    if (!credit.replayed) {
      await this.events.recordIn(tx, g.receiver.id, GIFT_RECEIVED_EVENT, {
        gift: { id: g.giftId, amount: g.amount, note: g.note, from: { discordId: g.sender.discordId, username: g.sender.username } },
      });
    }
    const sentToday = retry ? day.sent : day.sent + g.amount;
    return {
      giftId: g.giftId,
      toDiscordId: g.receiver.discordId,
      toUsername: g.receiver.username,
      amount: g.amount,
      note: g.note,
      balance: debit.balanceAfter,
      sentToday,
      dailyLimit: limit,
      remainingToday: Math.max(0, limit - sentToday),
      resetsAt: day.resetsAt.toISOString(),
      createdAt: debit.createdAt.toISOString(),
    };
  }
}

/** The note on one line (the direct message quotes it), without control characters; null when empty. */
function noteOf(note: string | undefined): string | null {
  // eslint-disable-next-line no-control-regex
  const text = (note ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (text.length > GIFT_NOTE_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `note must be at most ${GIFT_NOTE_MAX} characters`);
  }
  return text || null;
}

function limitReached(amount: number, limit: number, day: GiftDay): DomainError {
  const remaining = Math.max(0, limit - day.sent);
  const gc = (n: number) => `${n.toLocaleString('en-US')} GC`;
  const message =
    remaining === 0
      ? `Daily gift limit reached: you have given ${gc(day.sent)} today, the most allowed (${gc(limit)} a day); it starts over at 00:00 UTC`
      : `Daily gift limit: you can give ${gc(remaining)} more today (${gc(limit)} a day, ${gc(day.sent)} given), not ${gc(amount)}; it starts over at 00:00 UTC`;
  return new DomainError(ErrorCode.LIMIT_REACHED, message, {
    limit,
    sentToday: day.sent,
    remaining,
    resetsAt: day.resetsAt.toISOString(),
  });
}
