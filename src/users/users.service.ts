import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError, ErrorCode } from '../common/domain-error';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { ProfileView, StatsView, USERNAME_MAX } from './users.types';

const DISCORD_ID = /^\d{5,20}$/;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly db: DataSource,
    private readonly repo: UsersRepository,
  ) {}

  /** Finds or creates the user for a Discord identity (first contact creates it), keeping the name fresh. */
  async ensureUser(discordId: string, username: string): Promise<User> {
    if (!DISCORD_ID.test(discordId)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'discordId must be a Discord snowflake (5-20 digits)');
    }
    const name = username.trim().slice(0, USERNAME_MAX) || discordId;
    return this.db.transaction(async (em) => {
      const rows: Array<{ id: string }> = await em.query(
        `INSERT INTO users (discord_id, username) VALUES ($1, $2)
         ON CONFLICT (discord_id) DO UPDATE SET username = EXCLUDED.username, updated_at = now()
           WHERE users.username IS DISTINCT FROM EXCLUDED.username
         RETURNING id`, [discordId, name]);
      const id = rows[0]?.id;
      if (id) {
        await em.query('INSERT INTO user_stats (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
      }
      return em.getRepository(User).findOneByOrFail({ discordId });
    });
  }

  async findById(userId: string): Promise<User> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return user;
  }

  async findByDiscordId(discordId: string): Promise<User | null> {
    return DISCORD_ID.test(discordId) ? this.users.findOneBy({ discordId }) : null;
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  async getProfile(actor: Actor): Promise<ProfileView> {
    const u = await this.repo.profileOf(actor.userId);
    if (!u) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return {
      discordId: u.discord_id, username: u.username, credits: Number(u.credits), wtgCoins: Number(u.wtg_coins), tier: u.tier,
      createdAt: u.created_at.toISOString(),
    };
  }

  /** Turns the bot's direct messages about the actor's servers on or off; returns the new setting. */
  async setDirectMessages(actor: Actor, enabled: boolean): Promise<{ directMessages: boolean }> {
    await this.repo.setNotifyDm(actor.userId, enabled);
    return { directMessages: enabled };
  }

  /** Counts one bot command towards the actor's stats; a single increment, so concurrent commands never lose one. */
  async recordCommand(actor: Actor): Promise<void> {
    await this.db.query(
      `UPDATE user_stats SET commands_used = commands_used + 1, last_active_at = now(), updated_at = now() WHERE user_id = $1`,
      [actor.userId]);
  }

  async getStats(actor: Actor): Promise<StatsView> {
    const s = await this.repo.statsOf(actor.userId);
    if (!s) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    return {
      serversCreated: s.servers_created,
      creditsEarned: Number(s.credits_earned),
      creditsSpent: Number(s.credits_spent),
      adConversions: s.ad_conversions,
      commandsUsed: s.commands_used,
      lastActiveAt: s.last_active_at?.toISOString() ?? null,
    };
  }

  /** Counts one credited ad conversion, inside the transaction that credits it. */
  async countAdConversion(userId: string, em: EntityManager): Promise<void> {
    await this.repo.countAdConversion(em, userId);
  }
}
