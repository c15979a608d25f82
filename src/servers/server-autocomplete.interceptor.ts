import { Injectable } from '@nestjs/common';
import { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { Actor } from '../common/actor';
import { PER_PAGE_MAX } from '../common/pagination';
import { actorOf } from '../discord/discord-actor.decorator';
import { GameType } from './game-catalog';
import { GameCatalogService } from './game-catalog.service';
import { ServersService } from './servers.service';

/** Discord shows at most 25 suggestions, each name at most 100 characters. */
export const CHOICES_MAX = 25;
const CHOICE_NAME_MAX = 100;

export type Choice = ApplicationCommandOptionChoiceData<string>;

export function choice(name: string, value: string): Choice {
  return { name: name.slice(0, CHOICE_NAME_MAX), value };
}

/** The caller's servers whose name (or id) contains what they typed: shown by name, sent as the id. */
export async function serverChoices(servers: ServersService, actor: Actor, typed: string): Promise<Choice[]> {
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
  constructor(private readonly servers: ServersService, private readonly catalog: GameCatalogService) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const choices = focused.name === 'game'
      ? gameChoices(this.catalog.games, focused.value)
      : await serverChoices(this.servers, actorOf(interaction), focused.value);
    await interaction.respond(choices);
  }
}
