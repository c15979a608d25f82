import type { APIApplicationCommand, APIApplicationCommandOption } from 'discord-api-types/v10';

// Discord's documented limits for application commands; a tree that breaks one is refused with 400
// ("Invalid Form Body") at registration time, so the bot would come up with no commands at all.
const NAME = /^[-_a-z0-9]{1,32}$/;
const DESCRIPTION_MAX = 100;
const OPTIONS_MAX = 25;
const CHOICES_MAX = 25;
const CHOICE_NAME_MAX = 100;
const CHOICE_STRING_VALUE_MAX = 100;
const STRING_LENGTH_MAX = 6000;
const CHAT_COMMANDS_MAX = 100;
const COMMAND_CHARS_MAX = 4000;
/** https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-context-types */
const CONTEXTS = [0, 1, 2];
/** https://discord.com/developers/docs/resources/application#application-object-application-integration-types */
const INTEGRATION_TYPES = [0, 1];
const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;

type Option = APIApplicationCommandOption & {
  options?: Option[];
  choices?: Array<{ name: string; value: string | number }>;
  required?: boolean;
  autocomplete?: boolean;
  min_length?: number;
  max_length?: number;
};

function checkText(path: string, name: string, description: string | undefined, problems: string[]): void {
  if (!NAME.test(name)) {
    problems.push(`${path}: name "${name}" must match ${NAME} (lowercase, 1-32 chars)`);
  }
  if (!description || description.length < 1 || description.length > DESCRIPTION_MAX) {
    problems.push(`${path}: description must be 1-${DESCRIPTION_MAX} characters (has ${description?.length ?? 0})`);
  }
}

function checkOptions(path: string, options: Option[], depth: number, problems: string[]): void {
  if (options.length > OPTIONS_MAX) {
    problems.push(`${path}: ${options.length} options/subcommands (max ${OPTIONS_MAX})`);
  }
  const names = options.map((o) => o.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${path}: option name "${dup}" is used twice`);
  }
  const nested = options.filter((o) => o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP);
  if (nested.length > 0 && nested.length < options.length) {
    problems.push(`${path}: subcommands cannot be mixed with plain options`);
  }
  const firstOptional = options.findIndex((o) => !o.required);
  if (firstOptional >= 0 && options.slice(firstOptional).some((o) => o.required)) {
    problems.push(`${path}: required options must come before optional ones`);
  }
  for (const o of options) {
    const at = `${path} ${o.name}`;
    checkText(at, o.name, o.description, problems);
    if (o.type === SUBCOMMAND_GROUP && depth > 0) {
      problems.push(`${at}: a subcommand group can only sit at the top level`);
    }
    if (o.type === SUBCOMMAND && depth > 1) {
      problems.push(`${at}: subcommands nest at most inside one group`);
    }
    if (o.type === SUBCOMMAND_GROUP && (o.options ?? []).some((c) => c.type !== SUBCOMMAND)) {
      problems.push(`${at}: a subcommand group may only contain subcommands`);
    }
    if (o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP) {
      checkOptions(at, o.options ?? [], depth + 1, problems);
      continue;
    }
    const choices = o.choices ?? [];
    if (choices.length > CHOICES_MAX) {
      problems.push(`${at}: ${choices.length} choices (max ${CHOICES_MAX})`);
    }
    if (choices.length > 0 && o.autocomplete) {
      problems.push(`${at}: autocomplete and choices cannot be combined`);
    }
    for (const c of choices) {
      if (c.name.length < 1 || c.name.length > CHOICE_NAME_MAX) {
        problems.push(`${at}: choice name "${c.name}" must be 1-${CHOICE_NAME_MAX} characters`);
      }
      if (typeof c.value === 'string' && c.value.length > CHOICE_STRING_VALUE_MAX) {
        problems.push(`${at}: choice value "${c.value}" exceeds ${CHOICE_STRING_VALUE_MAX} characters`);
      }
    }
    for (const bound of [o.min_length, o.max_length]) {
      if (bound !== undefined && (bound < 0 || bound > STRING_LENGTH_MAX)) {
        problems.push(`${at}: min/max length must be within 0-${STRING_LENGTH_MAX}`);
      }
    }
  }
}

/** Characters Discord counts towards a command's 4000 limit: names, descriptions, choice names and values. */
function countChars(c: { name: string; description?: string; options?: Option[] }): number {
  const own = c.name.length + (c.description?.length ?? 0);
  const choices = (c as Option).choices?.reduce((n, ch) => n + ch.name.length + String(ch.value).length, 0) ?? 0;
  return own + choices + (c.options ?? []).reduce((n, o) => n + countChars(o), 0);
}

/**
 * Every way a registered command tree breaks Discord's limits, as readable lines
 * (`/apikey create name: description must be 1-100 characters`); empty when Discord would accept it.
 */
export function commandLimitViolations(commands: APIApplicationCommand[]): string[] {
  const problems: string[] = [];
  const chat = commands.filter((c) => (c.type ?? 1) === 1);
  if (chat.length > CHAT_COMMANDS_MAX) {
    problems.push(`${chat.length} slash commands (max ${CHAT_COMMANDS_MAX})`);
  }
  const names = chat.map((c) => c.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`/${dup}: registered twice`);
  }
  for (const c of chat) {
    const path = `/${c.name}`;
    checkText(path, c.name, c.description, problems);
    checkOptions(path, c.options ?? [], 0, problems);
    const reach = c as { contexts?: number[] | null; integration_types?: number[] | null };
    if ((reach.contexts ?? []).some((v) => !CONTEXTS.includes(v))) {
      problems.push(`${path}: contexts ${JSON.stringify(reach.contexts)} must be among ${CONTEXTS.join(', ')}`);
    }
    if ((reach.integration_types ?? []).some((v) => !INTEGRATION_TYPES.includes(v))) {
      problems.push(`${path}: integration_types ${JSON.stringify(reach.integration_types)} must be among ${INTEGRATION_TYPES.join(', ')}`);
    }
    const chars = countChars(c);
    if (chars > COMMAND_CHARS_MAX) {
      problems.push(`${path}: ${chars} characters in names, descriptions and choices (max ${COMMAND_CHARS_MAX})`);
    }
  }
  return problems;
}

/** `/apikey create`, `/credits`, ...: every invocable path of a tree, to assert which commands exist. */
export function commandPaths(commands: APIApplicationCommand[]): string[] {
  const walk = (prefix: string, options: Option[] | undefined): string[] => {
    const nested = (options ?? []).filter((o) => o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP);
    return nested.length === 0 ? [prefix] : nested.flatMap((o) => walk(`${prefix} ${o.name}`, o.options));
  };
  return commands
    .filter((c) => (c.type ?? 1) === 1)
    .flatMap((c) => walk(`/${c.name}`, c.options))
    .sort();
}

/**
 * Commands that leave `contexts` or `integration_types` to Discord's defaults (which change as Discord
 * adds contexts) instead of declaring where they may be used.
 */
export function commandsWithoutDeclaredReach(commands: APIApplicationCommand[]): string[] {
  return commands
    .filter((c) => !(c as { contexts?: unknown[] }).contexts?.length || !(c as { integration_types?: unknown[] }).integration_types?.length)
    .map((c) => `/${c.name}`);
}

/** `name` max_length of every string option, by path (`/servers start server`): what a user can type at most. */
export function stringOptionMaxLengths(commands: APIApplicationCommand[]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  const walk = (prefix: string, options: Option[] | undefined) => {
    for (const o of options ?? []) {
      if (o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP) {
        walk(`${prefix} ${o.name}`, o.options);
      } else if (o.type === 3) {
        out[`${prefix} ${o.name}`] = o.max_length;
      }
    }
  };
  for (const c of commands.filter((c) => (c.type ?? 1) === 1)) {
    walk(`/${c.name}`, c.options);
  }
  return out;
}
