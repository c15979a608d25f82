import { Injectable } from '@nestjs/common';
import { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { Actor } from '../../auth/actor';
import { truncate } from '../../common/values/echo';
import { PER_PAGE_MAX } from '../../common/http/pagination';
import { knownActorOf } from '../../discord/discord-actor.decorator';
import { CHOICE_NAME_MAX, CHOICES_MAX } from '../../discord/discord-limits';
import { GameType } from '../catalog/game-catalog';
import { GameCatalogService } from '../catalog/game-catalog.service';
import { ServersService } from '../servers.service';

export type Choice = ApplicationCommandOptionChoiceData<string>;

export function choice(name: string, value: string): Choice {
  return { name: truncate(name, CHOICE_NAME_MAX), value };
}

/** The caller's servers whose name (or id) contains what they typed: shown by name, sent as the id. */
export async function serverChoices(servers: ServersService, actor: Actor | undefined, typed: string): Promise<Choice[]> {
  if (!actor) {
    return [];
  }
  const q = typed.trim().toLowerCase();
  const page = await servers.list(actor, { page: 1, perPage: PER_PAGE_MAX });
  return page.items
    .filter((s) => s.name.toLowerCase().includes(q) || s.id.startsWith(q))
    .slice(0, CHOICES_MAX)
    .map((s) => choice(`${s.name} · ${s.gameType} · ${s.status}`, s.id));
}

export function gameChoices(games: readonly GameType[], typed: string): Choice[] {
  const q = typed.trim().toLowerCase();
  return games
    .filter((g) => g.key.includes(q) || g.name.toLowerCase().includes(q))
    .slice(0, CHOICES_MAX)
    .map((g) => choice(`${g.name} · ${g.hourlyCost} GC/h`, g.key));
}

/** Suggests the caller's servers for `server:` and the game catalog for `game:` while they type. */
@Injectable()
export class ServerAutocomplete extends AutocompleteInterceptor {
  constructor(
    private readonly servers: ServersService,
    private readonly catalog: GameCatalogService,
  ) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const choices =
      focused.name === 'game'
        ? gameChoices(this.catalog.games, focused.value)
        : await serverChoices(this.servers, knownActorOf(interaction), focused.value);
    await interaction.respond(choices);
  }
}
