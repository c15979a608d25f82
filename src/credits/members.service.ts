import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { DiscordUsers } from '../discord/discord-users';
import { UsersService } from '../users/users.service';
import { UserRecord } from '../users/users.types';
import { CreditsService } from './credits.service';

/** GC ledger reason of the starting balance. */
export const STARTER_CREDITS_REASON = 'starter_credits';

/**
 * Users as members of the economy: the user of a Discord identity, created on first contact with
 * STARTER_CREDITS GC. The grant joins the transaction that creates the user row and only the call
 * that created it grants, so a member gets it exactly once (its key `starter:<userId>` makes sure even
 * so), and never a user without it. Here rather than in users/, which the economy builds on.
 * Answers the Discord layer's DiscordUsers port (bound in AppModule) and the API-key mint path.
 */
@Injectable()
export class MembersService implements DiscordUsers {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly credits: CreditsService,
    private readonly config: AppConfig,
  ) {}

  ensureMember(discordId: string, username: string): Promise<UserRecord> {
    return this.transactions.run(async (tx) => {
      const { user, created } = await this.users.ensureUserIn(tx, discordId, username);
      const starter = this.config.STARTER_CREDITS;
      if (!created || starter === 0) {
        return user;
      }
      const entry = await this.credits.grantIn(tx, user.id, starter, STARTER_CREDITS_REASON, { idempotencyKey: `starter:${user.id}` });
      return { ...user, credits: entry.balanceAfter };
    });
  }

  /** DiscordUsers: every interaction's user, created (with the starting balance) on their first command; a suspended one is refused. */
  async ensureUser(discordId: string, username: string): Promise<UserRecord> {
    const user = await this.ensureMember(discordId, username);
    const suspended = await this.users.suspensionOf(user.id);
    if (suspended !== null) {
      throw new DomainError(ErrorCode.FORBIDDEN, `Your agis account is suspended by staff: ${suspended}`);
    }
    return user;
  }

  findByDiscordId(discordId: string): Promise<UserRecord | null> {
    return this.users.findByDiscordId(discordId);
  }

  recordCommand(actor: Actor): Promise<void> {
    return this.users.recordCommand(actor);
  }
}
