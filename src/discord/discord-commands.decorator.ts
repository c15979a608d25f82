import { applyDecorators, Injectable, UseFilters } from '@nestjs/common';
import { DiscordErrorFilter } from './discord-error.filter';

/**
 * Marks a class of necord handlers (slash commands, buttons, modals) of a feature module.
 * It routes their errors to DiscordErrorFilter: the global HTTP filter rethrows anything that is
 * not an HTTP request, and class filters are consulted before global ones.
 */
export const DiscordCommands = (): ClassDecorator => applyDecorators(Injectable(), UseFilters(DiscordErrorFilter));
