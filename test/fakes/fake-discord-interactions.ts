import { performance } from 'node:perf_hooks';
import type { APIApplicationCommand, APIApplicationCommandOption, APIEmbed } from 'discord-api-types/v10';
import { apiUser, type FakeUser } from './fake-discord-payloads';

export const EPHEMERAL = 64;
/** Callback types that only acknowledge: the real answer follows as an edit of @original. */
const DEFERRALS = new Set([5, 6]);

export interface BotResponse {
  kind: 'callback' | 'edit' | 'followup';
  /** Interaction callback type (4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal); null for edits and follow-ups. */
  type: number | null;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  /** Only the user who ran the command sees it; an edit inherits this from the deferral. */
  ephemeral: boolean;
  choices: Array<{ name: string; value: string | number }>;
  /** The message this response created or edited, as the fake stored it (for button presses). */
  message: Record<string, unknown> | null;
  /** performance.now() when the fake received it. */
  at: number;
  body: Record<string, unknown>;
}

/** One dispatched interaction and everything the bot sent back for it. */
export class InteractionHandle {
  readonly responses: BotResponse[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly payload: Record<string, unknown>,
    readonly sentAt: number,
  ) {}

  get id(): string {
    return this.payload.id as string;
  }

  get token(): string {
    return this.payload.token as string;
  }

  record(response: Omit<BotResponse, 'at'>): BotResponse {
    const full = { ...response, at: performance.now() };
    this.responses.push(full);
    for (const notify of this.listeners) {
      notify();
    }
    return full;
  }

  /** The first callback or edit, whatever it is (a deferral counts). */
  reply(timeoutMs = 5000): Promise<BotResponse> {
    return this.waitFor(() => this.responses[0], 'any response', timeoutMs);
  }

  /** The answer a user ends up seeing: an immediate reply, or the edit that follows a deferral. */
  final(timeoutMs = 5000): Promise<BotResponse> {
    return this.waitFor(
      () => this.responses.find((r) => !(r.kind === 'callback' && DEFERRALS.has(r.type ?? 0))),
      'a non-deferral response',
      timeoutMs,
    );
  }

  /** Waits until `count` follow-up messages arrived. */
  followUps(count = 1, timeoutMs = 5000): Promise<BotResponse[]> {
    const found = () => {
      const list = this.responses.filter((r) => r.kind === 'followup');
      return list.length >= count ? list : undefined;
    };
    return this.waitFor(found, `${count} follow-up(s)`, timeoutMs);
  }

  /** Milliseconds from dispatching INTERACTION_CREATE to the bot's first response (benchmarks). */
  async firstResponseMs(timeoutMs = 5000): Promise<number> {
    return (await this.reply(timeoutMs)).at - this.sentAt;
  }

  private waitFor<T>(pick: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const now = pick();
    if (now !== undefined) {
      return Promise.resolve(now);
    }
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = pick();
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.responses.map((r) => `${r.kind}${r.type ? `:${r.type}` : ''}`).join(', ') || 'nothing';
        reject(new Error(`Interaction ${this.id}: no ${what} within ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }
}

export type OptionValue = string | number | boolean;

export interface CommandInput {
  user: FakeUser;
  name: string;
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
  /** Guild the command runs in; the fake's guild by default. */
  guild?: string;
}

const VALUE_TYPES: Record<number, (v: OptionValue) => boolean> = {
  3: (v) => typeof v === 'string',
  4: (v) => Number.isInteger(v),
  5: (v) => typeof v === 'boolean',
  // USER: the value is the chosen user's snowflake; `data.resolved` carries the user itself.
  6: (v) => typeof v === 'string' && /^\d{17,20}$/.test(v),
  // CHANNEL: the value is the channel's snowflake; `data.resolved.channels` carries the channel itself.
  7: (v) => typeof v === 'string' && /^\d{17,20}$/.test(v),
  10: (v) => typeof v === 'number',
};

/**
 * `data.resolved` for USER options, as Discord sends it in a guild: the user object and their (partial, user-less)
 * member object by id (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-resolved-data-structure).
 * Users the fake has seen run commands keep their names; anyone else is `user<last 4 digits>`.
 */
function resolvedUsers(ids: string[], known: ReadonlyMap<string, FakeUser>): Record<string, unknown> {
  const users = ids.map((id) => known.get(id) ?? { id, username: `user${id.slice(-4)}` });
  return {
    users: Object.fromEntries(users.map((u) => [u.id, apiUser(u)])),
    members: Object.fromEntries(
      users.map((u) => [
        u.id,
        {
          roles: 'roles' in u ? (u.roles ?? []) : [],
          joined_at: new Date().toISOString(),
          nick: null,
          avatar: null,
          flags: 0,
          pending: false,
          premium_since: null,
          communication_disabled_until: null,
        },
      ]),
    ),
  };
}

function child(
  options: APIApplicationCommandOption[] | undefined,
  name: string,
  type: number,
  path: string,
): APIApplicationCommandOption & { options?: APIApplicationCommandOption[] } {
  const found = options?.find((o) => o.name === name && o.type === type);
  if (!found) {
    throw new Error(`${path} ${name} is not registered`);
  }
  return found;
}

/**
 * Builds `data` of an APPLICATION_COMMAND (or autocomplete) interaction the way Discord does,
 * typing each option from the registered command tree so a test cannot send what Discord would not.
 */
export function commandData(
  registered: APIApplicationCommand[],
  input: CommandInput,
  focused?: string,
  known: ReadonlyMap<string, FakeUser> = new Map(),
): Record<string, unknown> {
  const command = registered.find((c) => c.name === input.name && (c.type ?? 1) === 1);
  if (!command) {
    throw new Error(`/${input.name} is not registered (registered: ${registered.map((c) => c.name).join(', ') || 'none'})`);
  }
  // Discord offers a command only in the contexts it declares; the fake dispatches in a guild (context 0).
  if (command.contexts && !command.contexts.includes(0)) {
    throw new Error(`/${input.name} is not offered in a guild (contexts ${JSON.stringify(command.contexts)})`);
  }
  let schema = command.options;
  let wrap = (leaf: unknown[]): unknown[] => leaf;
  if (input.group) {
    const group = child(schema, input.group, 2, `/${input.name}`);
    const sub = child(group.options, input.subcommand ?? '', 1, `/${input.name} ${input.group}`);
    schema = sub.options;
    wrap = (leaf) => [{ type: 2, name: group.name, options: [{ type: 1, name: sub.name, options: leaf }] }];
  } else if (input.subcommand) {
    const sub = child(schema, input.subcommand, 1, `/${input.name}`);
    schema = sub.options;
    wrap = (leaf) => [{ type: 1, name: sub.name, options: leaf }];
  }
  const given = { ...input.options, ...(focused && !(focused in (input.options ?? {})) ? { [focused]: '' } : {}) };
  const leaf = Object.entries(given).map(([name, value]) => {
    const spec = schema?.find((o) => o.name === name);
    if (!spec) {
      throw new Error(`/${input.name}: option "${name}" is not registered`);
    }
    const valid = VALUE_TYPES[spec.type];
    if (!valid) {
      throw new Error(`/${input.name}: option type ${spec.type} of "${name}" is not supported by the fake`);
    }
    if (!valid(value) && name !== focused) {
      throw new Error(`/${input.name}: option "${name}" of type ${spec.type} cannot take ${JSON.stringify(value)}`);
    }
    // The Discord client enforces an option's bounds before anything is sent.
    const bounds = spec as { min_length?: number; max_length?: number; min_value?: number; max_value?: number };
    if (typeof value === 'string' && name !== focused && (value.length > (bounds.max_length ?? 6000) || value.length < (bounds.min_length ?? 0))) {
      throw new Error(
        `/${input.name}: option "${name}" must be ${bounds.min_length ?? 0}-${bounds.max_length ?? 6000} characters (Discord would not send ${value.length})`,
      );
    }
    if (typeof value === 'string' && name === focused && value.length > (bounds.max_length ?? 6000)) {
      throw new Error(`/${input.name}: option "${name}" takes at most ${bounds.max_length} characters`);
    }
    if (typeof value === 'number' && (value > (bounds.max_value ?? Infinity) || value < (bounds.min_value ?? -Infinity))) {
      throw new Error(`/${input.name}: option "${name}" must be within ${bounds.min_value}-${bounds.max_value}`);
    }
    return { name, type: spec.type, value, ...(name === focused ? { focused: true } : {}) };
  });
  const userIds = leaf.filter((o) => o.type === 6 && o.name !== focused).map((o) => o.value as string);
  const channelIds = leaf.filter((o) => o.type === 7 && o.name !== focused).map((o) => o.value as string);
  // A CHANNEL option resolves to a partial channel, as Discord sends it: a guild text channel here (type 0).
  const channels = Object.fromEntries(
    channelIds.map((id) => [id, { id, type: 0, name: `channel-${id.slice(-4)}`, permissions: '2251799813685247' }]),
  );
  return {
    id: command.id,
    name: command.name,
    type: 1,
    options: wrap(leaf),
    ...(userIds.length || channelIds.length
      ? { resolved: { ...(userIds.length ? resolvedUsers(userIds, known) : {}), ...(channelIds.length ? { channels } : {}) } }
      : {}),
    ...(command.guild_id ? { guild_id: command.guild_id } : {}),
  };
}
