import { type Actor } from '../auth/actor';

/**
 * What the Discord layer needs to know about agis users: DiscordInteractionInterceptor turns every
 * interaction into an Actor with it. A port, so discord/ imports no feature: the composition root binds
 * it (`DiscordModule.forRoot({ users: MembersService, imports: [CreditsModule] })`: a user created by
 * their first command starts with the economy's starter credits).
 */
export abstract class DiscordUsers {
  /** The user behind a Discord identity, created on first contact; keeps their name fresh. */
  abstract ensureUser(discordId: string, username: string): Promise<{ id: string }>;
  /** The user behind a Discord identity, or null if they never ran a command (read-only: autocomplete). */
  abstract findByDiscordId(discordId: string): Promise<{ id: string } | null>;
  /** Counts one slash command towards the actor's stats. */
  abstract recordCommand(actor: Actor): Promise<void>;
}
