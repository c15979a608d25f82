import { ApplicationCommandOptionType, PermissionFlagsBits, PermissionsBitField, type PermissionResolvable } from 'discord.js';

/** A registered slash command as necord describes it (SlashCommandDiscovery#toJSON), reduced to what /help reads. */
export interface CommandNode {
  name: string;
  description: string;
  type?: number;
  required?: boolean;
  min_value?: number;
  choices?: ReadonlyArray<{ value: string | number }>;
  defaultMemberPermissions?: PermissionResolvable | null;
  options?: readonly CommandNode[];
}

/** One command a member can run: its path and an example built from its required options. */
export interface HelpEntry {
  path: string;
  description: string;
  example: string;
}

const SUBCOMMAND = ApplicationCommandOptionType.Subcommand as number;
const GROUP = ApplicationCommandOptionType.SubcommandGroup as number;

/**
 * Whether Discord shows the command to a member with `member` permissions: `default_member_permissions`
 * absent or null is everyone; "0" is administrators only; otherwise the member needs every bit.
 * https://discord.com/developers/docs/interactions/application-commands#application-command-permissions-object-using-default-permissions
 */
export function mayUse(required: PermissionResolvable | null | undefined, member: Readonly<PermissionsBitField> | null): boolean {
  if (required === undefined || required === null) {
    return true;
  }
  if (!member) {
    return false;
  }
  const bits = PermissionsBitField.resolve(required);
  return member.has(PermissionFlagsBits.Administrator) || (bits !== 0n && member.has(bits));
}

/** Every leaf command (a command without subcommands, or each subcommand) the member may use, sorted by path. */
export function helpEntries(commands: readonly CommandNode[], member: Readonly<PermissionsBitField> | null): HelpEntry[] {
  const entries: HelpEntry[] = [];
  const walk = (node: CommandNode, path: string) => {
    const subs = (node.options ?? []).filter((o) => o.type === SUBCOMMAND || o.type === GROUP);
    if (subs.length === 0) {
      entries.push({ path, description: node.description, example: exampleOf(path, node.options ?? []) });
    }
    subs.forEach((s) => walk(s, `${path} ${s.name}`));
  };
  commands.filter((c) => (c.type ?? 1) === 1 && mayUse(c.defaultMemberPermissions, member)).forEach((c) => walk(c, `/${c.name}`));
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

/** `/gift user:@member amount:1`: the required options with a value of their type (the first choice, the minimum). */
export function exampleOf(path: string, options: readonly CommandNode[]): string {
  const args = options.filter((o) => o.required).map((o) => `${o.name}:${sampleValue(o)}`);
  return [path, ...args].join(' ');
}

function sampleValue(o: CommandNode): string {
  if (o.choices?.length) {
    return String(o.choices[0].value);
  }
  switch (o.type) {
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number:
      return String(o.min_value ?? 1);
    case ApplicationCommandOptionType.Boolean:
      return 'true';
    case ApplicationCommandOptionType.User:
      return '@member';
    default:
      return `<${o.name}>`;
  }
}
