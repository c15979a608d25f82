import { StringOption } from 'necord';

/** The longest command name Discord allows (https://discord.com/developers/docs/interactions/application-commands#application-command-object). */
export const COMMAND_NAME_MAX = 32;

export class HelpOptions {
  @StringOption({ name: 'command', description: 'One command to explain, e.g. servers', required: false, max_length: COMMAND_NAME_MAX })
  command?: string;
}
