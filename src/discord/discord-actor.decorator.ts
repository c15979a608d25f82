import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type BaseInteraction } from 'discord.js';
import { NecordExecutionContext } from 'necord';
import { USER_SCOPES } from '../auth/scopes';
import { type Actor } from '../auth/actor';

// Filled by DiscordInteractionInterceptor before any handler runs; weak so finished interactions go away.
const actors = new WeakMap<BaseInteraction, Actor>();

/** A Discord user acts with every user scope: Discord itself authenticated them. */
export function discordActor(user: { id: string }): Actor {
  return { userId: user.id, scopes: USER_SCOPES, via: { kind: 'discord' } };
}

export function bindActor(interaction: BaseInteraction, actor: Actor): void {
  actors.set(interaction, actor);
}

/** The actor behind an interaction; for code that has the interaction but no handler parameter (autocomplete). */
export function actorOf(interaction: BaseInteraction): Actor {
  const actor = actors.get(interaction);
  if (!actor) {
    throw new Error('No actor is bound to this interaction: DiscordInteractionInterceptor did not run');
  }
  return actor;
}

/** The actor behind an autocomplete request, or undefined for someone who never ran a command (autocomplete creates no user). */
export function knownActorOf(interaction: BaseInteraction): Actor | undefined {
  return actors.get(interaction);
}

/** The acting user of a necord handler (created on their first command), like @CurrentActor() for HTTP. */
export const DiscordActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const [interaction] = NecordExecutionContext.create(ctx).getContext<'interactionCreate'>();
  return actorOf(interaction);
});
