import type { BaseInteraction } from 'discord.js';
import { type Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';

/**
 * A Discord member is staff when the interaction comes from STAFF_GUILD_ID and the member holds one of
 * ADMIN_ROLE_IDS. Read from the interaction Discord signed, on every /admin command: the command's
 * default_member_permissions only hides it in the client, and a guild's admins can show it to anyone.
 * The returned actor holds `admin` (AdminService's check); a refusal changes nothing.
 */
export function staffActorOf(interaction: BaseInteraction, actor: Actor, staff: { guildId?: string; roleIds: readonly string[] }): Actor {
  const member = interaction.member;
  // A cached GuildMember has a role manager; an uncached member (APIInteractionGuildMember) a list of role ids.
  const roles: readonly string[] = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  const isStaff = staff.guildId !== undefined && interaction.guildId === staff.guildId && roles.some((r) => staff.roleIds.includes(r));
  if (!isStaff) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only agis staff may use /admin: it needs a staff role in the staff server');
  }
  return { ...actor, scopes: [...actor.scopes, 'admin'] };
}
