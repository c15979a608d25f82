import { applyDecorators, Injectable, UseFilters } from '@nestjs/common';
import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { DiscordErrorFilter } from './discord-error.filter';

/**
 * Marks a class of necord handlers (slash commands, buttons, modals) of a feature module.
 * It routes their errors to DiscordErrorFilter: the global HTTP filter rethrows anything that is
 * not an HTTP request, and class filters are consulted before global ones.
 */
export const DiscordCommands = (): ClassDecorator => applyDecorators(Injectable(), UseFilters(DiscordErrorFilter));

/**
 * Where every slash command is offered, spread into each `@SlashCommand` and command group. Declared,
 * not left to Discord's defaults (all contexts, the app's install types), which change as Discord adds
 * contexts: agis is installed to servers, and its commands run inside a server, where answers about a
 * user's own things are ephemeral. See
 * https://discord.com/developers/docs/interactions/application-commands#application-command-object
 * (`integration_types`, `contexts`).
 */
export const COMMAND_REACH = {
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild],
};
