import { Injectable } from '@nestjs/common';
import { AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { truncate } from '../common/values/echo';
import { PER_PAGE_MAX } from '../common/http/pagination';
import { knownActorOf } from '../discord/discord-actor.decorator';
import { CHOICE_NAME_MAX, CHOICES_MAX } from '../discord/discord-limits';
import { ApiKeysService } from './api-keys.service';

/** Suggests the caller's active keys (by id or name) while they type `/apikey revoke id:`. */
@Injectable()
export class ApiKeyIdAutocomplete extends AutocompleteInterceptor {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    const typed = interaction.options.getFocused().trim().toLowerCase();
    const actor = knownActorOf(interaction);
    if (!actor) {
      await interaction.respond([]);
      return;
    }
    const page = await this.keys.list(actor, { page: 1, perPage: PER_PAGE_MAX });
    const choices = page.items
      .filter((k) => k.status === 'active' && (k.id.includes(typed) || k.name.toLowerCase().includes(typed)))
      .slice(0, CHOICES_MAX)
      .map((k) => ({ name: truncate(`${k.id} · ${k.name}`, CHOICE_NAME_MAX), value: k.id }));
    await interaction.respond(choices);
  }
}
