import { Injectable } from '@nestjs/common';
import { AutocompleteInteraction } from 'discord.js';
import { AutocompleteInterceptor } from 'necord';
import { PER_PAGE_MAX } from '../common/pagination';
import { actorOf } from '../discord/discord-actor.decorator';
import { ApiKeysService } from './api-keys.service';

/** Discord shows at most 25 suggestions. */
const CHOICES_MAX = 25;

/** Suggests the caller's active keys (by id or name) while they type `/apikey revoke id:`. */
@Injectable()
export class ApiKeyIdAutocomplete extends AutocompleteInterceptor {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  async transformOptions(interaction: AutocompleteInteraction): Promise<void> {
    const typed = interaction.options.getFocused().trim().toLowerCase();
    const page = await this.keys.list(actorOf(interaction), { page: 1, perPage: PER_PAGE_MAX });
    const choices = page.items
      .filter((k) => k.status === 'active' && (k.id.includes(typed) || k.name.toLowerCase().includes(typed)))
      .slice(0, CHOICES_MAX)
      .map((k) => ({ name: `${k.id} · ${k.name}`.slice(0, 100), value: k.id }));
    await interaction.respond(choices);
  }
}
