import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** SQL of guild_members: who the bot has seen in a guild, and whether they had "Manage Server" when last seen. */
@Injectable()
export class GuildMembersRepository {
  constructor(private readonly db: DataSource) {}

  /** Records the member as seen now, with the permission their interaction carried (set or cleared). */
  async see(guildId: string, userId: string, manager: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO guild_members (guild_id, user_id, manager) VALUES ($1, $2, $3)
       ON CONFLICT (guild_id, user_id) DO UPDATE SET manager = excluded.manager, seen_at = now()`,
      [guildId, userId, manager],
    );
  }

  /** The member as last seen in the guild; null for someone the bot has not seen there. */
  async memberOf(guildId: string, userId: string): Promise<{ manager: boolean } | null> {
    const rows: Array<{ manager: boolean }> = await this.db.query('SELECT manager FROM guild_members WHERE guild_id = $1 AND user_id = $2', [
      guildId,
      userId,
    ]);
    return rows[0] ?? null;
  }
}
