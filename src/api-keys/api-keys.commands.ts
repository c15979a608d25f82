import { UseInterceptors } from '@nestjs/common';
import { EmbedBuilder, MessageFlags } from 'discord.js';
import { Context, createCommandGroupDecorator, Options, SlashCommandContext, Subcommand } from 'necord';
import { Actor } from '../auth/actor';
import { Paginated } from '../common/http/envelope';
import { DiscordActor } from '../discord/discord-actor.decorator';
import { COMMAND_REACH, DiscordCommands } from '../discord/discord-commands.decorator';
import { EMBED_DESCRIPTION_MAX, linesWithin } from '../discord/discord-limits';
import { infoEmbed, relativeTime, successEmbed } from '../discord/embeds';
import { ApiKeyIdAutocomplete } from './api-key-id-autocomplete.interceptor';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView, CreatedApiKeyView } from './api-keys.types';
import { CreateApiKeyOptions } from './dto/create-api-key.options';
import { RevokeApiKeyOptions } from './dto/revoke-api-key.options';

export const ApiKeyCommand = createCommandGroupDecorator({
  name: 'apikey',
  description: 'Create, list and revoke keys for the agis REST API',
  ...COMMAND_REACH,
});

/** Keys listed per /apikey list reply: keeps the embed well under Discord's 4096-character description. */
const LIST_PAGE = 10;
const STATUS_ICON: Record<ApiKeyView['status'], string> = { active: '🟢', expired: '⚫', revoked: '🔴' };

/** Discord adapter of ApiKeysService: the same calls as /auth/keys. Secrets only ever go to ephemeral replies. */
@ApiKeyCommand()
@DiscordCommands()
export class ApiKeysCommands {
  constructor(private readonly keys: ApiKeysService) {}

  @Subcommand({ name: 'create', description: 'Create an API key; its secret is shown once, only to you' })
  async createApiKey(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: CreateApiKeyOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const scopes = (options.scopes ?? '').split(/[\s,]+/).filter(Boolean);
    const created = await this.keys.create(actor, {
      name: options.name,
      scopes: scopes.length ? scopes : [...actor.scopes],
      expiresInDays: options.expiresInDays ?? undefined,
    });
    await interaction.editReply({ embeds: [createdEmbed(created)] });
  }

  @Subcommand({ name: 'list', description: 'List your API keys (secrets are never shown again)' })
  async listApiKeys(@Context() [interaction]: SlashCommandContext, @DiscordActor() actor: Actor): Promise<void> {
    const page = await this.keys.list(actor, { page: 1, perPage: LIST_PAGE });
    await interaction.reply({ embeds: [listEmbed(page)], flags: MessageFlags.Ephemeral });
  }

  @Subcommand({ name: 'revoke', description: 'Revoke one of your API keys; it stops working at once' })
  @UseInterceptors(ApiKeyIdAutocomplete)
  async revokeApiKey(
    @Context() [interaction]: SlashCommandContext,
    @DiscordActor() actor: Actor,
    @Options() options: RevokeApiKeyOptions,
  ): Promise<void> {
    const key = await this.keys.revoke(actor, options.id.trim());
    await interaction.reply({
      embeds: [successEmbed('API key revoked', `\`${key.prefix}\` (${key.name}) no longer works.`)],
      flags: MessageFlags.Ephemeral,
    });
  }
}

function createdEmbed(k: CreatedApiKeyView): EmbedBuilder {
  return successEmbed(
    'API key created',
    `Store it now: it is never shown again.\n\`\`\`\n${k.key}\n\`\`\`Send it as \`Authorization: Bearer <key>\`.`,
  ).addFields(
    { name: 'Name', value: k.name, inline: true },
    { name: 'Expires', value: relativeTime(k.expiresAt), inline: true },
    { name: 'Scopes', value: k.scopes.join(', ') },
  );
}

function listEmbed(page: Paginated<ApiKeyView>): EmbedBuilder {
  if (page.items.length === 0) {
    return infoEmbed('🔑 Your API keys', 'You have no API keys yet. Create one with `/apikey create`.');
  }
  const lines = page.items.map(
    (k) => `${STATUS_ICON[k.status]} \`${k.id}\` **${k.name}** · ${k.status} · ${k.scopes.join(', ')} · last used ${relativeTime(k.lastUsedAt)}`,
  );
  const more = page.meta.total > page.items.length ? `\nShowing the newest ${page.items.length} of ${page.meta.total}.` : '';
  const text = linesWithin(lines, EMBED_DESCRIPTION_MAX - more.length, (hidden) => `… and ${hidden} more`);
  return infoEmbed('🔑 Your API keys', `${text}${more}`);
}
