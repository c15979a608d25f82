import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { APIApplicationCommand } from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { commandLimitViolations } from '../support/discord-command-limits';
import { type BotResponse, commandData, type CommandInput, EPHEMERAL, InteractionHandle } from './fake-discord-interactions';
import {
  autocompleteErrors,
  type DiscordErrorBody,
  EMPTY_MESSAGE,
  type FormError,
  invalidFormBody,
  isEmptyMessage,
  messageErrors,
} from './fake-discord-limits';
import {
  apiUser,
  type FakeUser,
  type FakeWorld,
  guildPayload,
  interactionPayload,
  messagePayload,
  readyPayload,
  snowflake,
} from './fake-discord-payloads';
import { pollUntil } from '../support/poll';

export interface RecordedRequest {
  method: string;
  /** Path under /api/v10, `@` decoded. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  status: number;
  /** What the fake answered (for refusals: Discord's error body). */
  answer?: unknown;
}

export interface CommandRegistration {
  scope: 'global' | string;
  commands: APIApplicationCommand[];
}

interface Route {
  method: string;
  pattern: RegExp;
  handle: (m: RegExpExecArray, req: RecordedRequest) => [number, unknown?];
}

const API = '/api/v10';

/**
 * A local Discord for tests: the REST API under /api/v10 and the gateway WebSocket under /gateway,
 * exactly as far as discord.js 14 and necord 6 use them. It records command registrations and every
 * response the bot sends to an interaction, and dispatches interactions as a real gateway would.
 * Like Discord it refuses, with 400 and its 50035 "Invalid Form Body" body, a command tree or any
 * reply, edit, follow-up or autocomplete answer that breaks a documented limit (fake-discord-limits.ts);
 * refused requests are not recorded as responses, so a test sees what the user would see.
 */
export class FakeDiscord implements FakeWorld {
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly bot: FakeUser = { id: this.applicationId, username: 'agis' };
  readonly requests: RecordedRequest[] = [];
  readonly registrations: CommandRegistration[] = [];
  identifies = 0;
  /** Direct messages the bot sent, by recipient user id (Create DM, then Create Message in that channel). */
  readonly directMessages = new Map<string, Array<Record<string, unknown>>>();
  /** Users whose privacy settings refuse DMs from the bot: Create Message answers 50007. */
  readonly closedDms = new Set<string>();
  private readonly dmChannels = new Map<string, string>();
  /**
   * Messages the bot posted in the guild's text channels, by channel id. The guild has its `general` channel
   * (channelId, in the GUILD_CREATE payload); addTextChannel adds more. Any other channel id is Discord's
   * 404 / 10003 "Unknown Channel" (Discord docs, JSON error codes).
   */
  readonly channelMessages = new Map<string, Array<Record<string, unknown>>>([[this.channelId, []]]);
  /** Users who sent an interaction, by id: a USER option naming one of them resolves to their name. */
  private readonly seenUsers = new Map<string, FakeUser>();
  /** Message-carrying responses still to refuse whatever they hold (see refuseNextMessages). */
  private refusalsPending = 0;
  private readonly http: Server;
  private readonly gateway = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly handles = new Map<string, InteractionHandle>();
  private readonly originals = new Map<string, Record<string, unknown>>();
  private readonly routes: Route[];
  private sequence = 0;
  private port = 0;

  private constructor(
    private readonly token: string | undefined,
    private readonly heartbeatIntervalMs: number,
  ) {
    this.http = createServer((req, res) => void this.serve(req, res));
    this.http.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/gateway') {
        socket.destroy();
        return;
      }
      this.gateway.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
    });
    this.routes = this.buildRoutes();
  }

  /** Starts the fake on a free local port; `token` (when given) must match the bot's. */
  static async start(opts: { token?: string; heartbeatIntervalMs?: number } = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts.token, opts.heartbeatIntervalMs ?? 41250);
    await new Promise<void>((resolve) => fake.http.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.http.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What to give discord.js as `rest.api` (it appends /v10 itself). */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** The most recently registered command tree (guild or global). */
  get commands(): APIApplicationCommand[] {
    return this.registrations.at(-1)?.commands ?? [];
  }

  /** Polls until the bot registered its commands (necord does so after READY), then returns them. */
  async waitForCommands(timeoutMs = 10000): Promise<APIApplicationCommand[]> {
    await pollUntil(() => this.registrations.length > 0, { timeoutMs, what: 'a command registration' }).catch((err: Error) => {
      throw new Error(`${err.message} (requests: ${this.requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'})`);
    });
    return this.commands;
  }

  /** Dispatches a slash command (INTERACTION_CREATE type 2) and returns a handle on its responses. */
  sendCommand(input: CommandInput): InteractionHandle {
    this.seenUsers.set(input.user.id, input.user);
    return this.dispatchInteraction(input.user, input.guild, 2, commandData(this.commands, input, undefined, this.seenUsers));
  }

  /** Dispatches an autocomplete request (type 4) for the `focused` option; the reply carries `choices`. */
  sendAutocomplete(input: CommandInput & { focused: string }): InteractionHandle {
    return this.dispatchInteraction(input.user, input.guild, 4, commandData(this.commands, input, input.focused, this.seenUsers));
  }

  /** Presses a button (type 3) on a message the bot sent, e.g. `(await handle.final()).message`. */
  pressButton(input: { user: FakeUser; customId: string; message: Record<string, unknown> | null; guild?: string }): InteractionHandle {
    if (!input.message) {
      throw new Error('pressButton needs the message that carries the button');
    }
    return this.dispatchInteraction(input.user, input.guild, 3, { custom_id: input.customId, component_type: 2 }, { message: input.message });
  }

  /**
   * Fault injection: the next `count` responses that carry a message (a reply, an update, an edit of
   * @original, a follow-up) are refused with 400 / 50035 as if they broke a limit, to test what the
   * bot does when Discord rejects its answer. Deferrals and autocomplete answers are not counted, nor are
   * direct messages: those go out on the bot's own schedule and would take a refusal meant for a reply.
   */
  /** A new text channel of the guild the bot may post in; its id. */
  addTextChannel(): string {
    const id = snowflake();
    this.channelMessages.set(id, []);
    return id;
  }

  refuseNextMessages(count = 1): void {
    this.refusalsPending += count;
  }

  /** Every request the fake refused as Discord would (400 with 50035 Invalid Form Body or 50006). */
  get refusals(): RecordedRequest[] {
    return this.requests.filter((r) => r.status === 400);
  }

  /** Sends any gateway dispatch to every identified connection. */
  dispatch(event: string, data: unknown): void {
    this.sequence += 1;
    const frame = JSON.stringify({ op: 0, t: event, s: this.sequence, d: data });
    for (const ws of this.sockets) {
      ws.send(frame);
    }
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) {
      ws.terminate();
    }
    this.gateway.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private dispatchInteraction(
    user: FakeUser,
    guild: string | undefined,
    type: number,
    data: unknown,
    extra: Record<string, unknown> = {},
  ): InteractionHandle {
    if (this.sockets.size === 0) {
      throw new Error('No bot is connected to the fake gateway');
    }
    const payload = interactionPayload(this, user, guild ?? this.guildId, type, data, extra);
    const handle = new InteractionHandle(payload, performance.now());
    this.handles.set(handle.token, handle);
    this.dispatch('INTERACTION_CREATE', payload);
    return handle;
  }

  // ---- gateway ----

  private connect(ws: WebSocket): void {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      if (frame.op === 1) {
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (frame.op === 2) {
        this.identify(ws, frame.d as { token?: string });
      } else if (frame.op === 6) {
        // No session survives here: make the client identify again.
        ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      }
    });
    ws.on('close', () => this.sockets.delete(ws));
  }

  private identify(ws: WebSocket, d: { token?: string }): void {
    if (this.token && d.token !== this.token && d.token !== `Bot ${this.token}`) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    this.identifies += 1;
    this.sockets.add(ws);
    const send = (t: string, data: unknown) => {
      this.sequence += 1;
      ws.send(JSON.stringify({ op: 0, t, s: this.sequence, d: data }));
    };
    send('READY', readyPayload(this, snowflake(), `ws://127.0.0.1:${this.port}/gateway`));
    send('GUILD_CREATE', guildPayload(this));
  }

  // ---- REST ----

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname),
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body: text && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text || null,
      status: 0,
    };
    this.requests.push(recorded);
    const [status, body] = this.route(recorded, url.pathname.startsWith(API));
    recorded.status = status;
    recorded.answer = body;
    if (body === undefined) {
      res.writeHead(status).end();
    } else {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
  }

  private route(req: RecordedRequest, underApi: boolean): [number, unknown?] {
    const route = underApi ? this.routes.find((r) => r.method === req.method && r.pattern.test(req.path)) : undefined;
    if (!route) {
      return [404, { message: '404: Not Found', code: 0 }];
    }
    const open = /^\/(interactions|webhooks)\//.test(req.path);
    if (!open && (!req.authorization?.startsWith('Bot ') || (this.token && req.authorization !== `Bot ${this.token}`))) {
      return [401, { message: '401: Unauthorized', code: 0 }];
    }
    return route.handle(route.pattern.exec(req.path) as RegExpExecArray, req);
  }

  private buildRoutes(): Route[] {
    const app = this.applicationId;
    return [
      {
        method: 'GET',
        pattern: /^\/gateway\/bot$/,
        handle: () => [
          200,
          {
            url: `ws://127.0.0.1:${this.port}/gateway`,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
          },
        ],
      },
      {
        method: 'GET',
        pattern: /^\/applications\/@me$/,
        handle: () => [
          200,
          {
            id: app,
            name: 'agis',
            icon: null,
            description: '',
            summary: '',
            bot_public: true,
            bot_require_code_grant: false,
            verify_key: '0'.repeat(64),
            flags: 0,
            team: null,
            owner: apiUser({ id: snowflake(), username: 'owner' }),
          },
        ],
      },
      { method: 'PUT', pattern: /^\/applications\/(\d+)\/commands$/, handle: (m, req) => this.register(m[1], 'global', req.body) },
      { method: 'PUT', pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, handle: (m, req) => this.register(m[1], m[2], req.body) },
      { method: 'POST', pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/, handle: (m, req) => this.callback(m[1], m[2], req) },
      { method: 'PATCH', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, handle: (m, req) => this.editOriginal(m[2], req.body) },
      { method: 'GET', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, handle: (m) => this.originalOf(m[2]) },
      { method: 'DELETE', pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, handle: (m) => this.deleteOriginal(m[2]) },
      { method: 'POST', pattern: /^\/webhooks\/(\d+)\/([^/]+)$/, handle: (m, req) => this.followUp(m[2], req.body) },
      { method: 'POST', pattern: /^\/users\/@me\/channels$/, handle: (_m, req) => this.openDm(req.body) },
      { method: 'POST', pattern: /^\/channels\/(\d+)\/messages$/, handle: (m, req) => this.sendToChannel(m[1], req.body) },
    ];
  }

  private register(appId: string, scope: string, body: unknown): [number, unknown] {
    if (appId !== this.applicationId || !Array.isArray(body)) {
      return [
        appId !== this.applicationId ? 404 : 400,
        { message: appId !== this.applicationId ? 'Unknown Application' : 'Invalid Form Body', code: 50035 },
      ];
    }
    // Discord refuses the whole tree when one command breaks a limit (the bot then has no commands).
    const problems = commandLimitViolations(body as APIApplicationCommand[]);
    if (problems.length) {
      return [400, invalidFormBody(problems.map((message) => ({ path: [], code: 'APPLICATION_COMMAND_INVALID', message })))];
    }
    const previous = new Map(
      this.registrations
        .filter((r) => r.scope === scope)
        .at(-1)
        ?.commands.map((c) => [c.name, c.id]),
    );
    const commands = (body as Array<Record<string, unknown>>).map((c) => ({
      ...c,
      id: previous.get(c.name as string) ?? snowflake(),
      application_id: appId,
      version: snowflake(),
      type: (c.type as number | undefined) ?? 1,
      default_member_permissions: c.default_member_permissions ?? null,
      nsfw: false,
      ...(scope === 'global' ? {} : { guild_id: scope }),
    })) as unknown as APIApplicationCommand[];
    this.registrations.push({ scope, commands });
    return [200, commands];
  }

  /**
   * Discord's error body when a response must be refused (its own form errors, or an injected refusal when
   * `injectable`: an interaction response that carries a message); undefined to accept it.
   */
  private refuse(errors: FormError[], injectable: boolean, empty: boolean): DiscordErrorBody | undefined {
    if (injectable && this.refusalsPending > 0) {
      this.refusalsPending -= 1;
      return invalidFormBody([{ path: [], code: 'INJECTED_BY_TEST', message: 'Refused by FakeDiscord.refuseNextMessages()' }]);
    }
    if (errors.length) {
      return invalidFormBody(errors);
    }
    return empty ? EMPTY_MESSAGE : undefined;
  }

  private callback(interactionId: string, token: string, req: RecordedRequest): [number, unknown?] {
    const handle = this.handles.get(token);
    if (!handle || handle.id !== interactionId) {
      return [404, { message: 'Unknown interaction', code: 10062 }];
    }
    if (handle.responses.some((r) => r.kind === 'callback')) {
      return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    }
    const body = req.body as { type: number; data?: Record<string, unknown> };
    const data = body.data ?? {};
    const refused = this.refuse(
      body.type === 8 ? autocompleteErrors(data) : [4, 7].includes(body.type) ? messageErrors(data, ['data']) : [],
      [4, 7].includes(body.type),
      body.type === 4 && isEmptyMessage(data),
    );
    if (refused) {
      return [400, refused];
    }
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    const carriesMessage = [4, 5, 7].includes(body.type);
    const message = carriesMessage ? messagePayload(this, body.type === 5 ? { flags: flags | 128 } : data) : null;
    if (message) {
      this.originals.set(token, message);
    }
    const response = handle.record({
      kind: 'callback',
      type: body.type,
      content: String(data.content ?? ''),
      embeds: (data.embeds as BotResponse['embeds']) ?? [],
      components: (data.components as unknown[]) ?? [],
      flags,
      ephemeral: (flags & EPHEMERAL) !== 0,
      choices: (data.choices as BotResponse['choices']) ?? [],
      message,
      body: body,
    });
    if (req.query.with_response !== 'true') {
      return [204];
    }
    return [
      200,
      {
        interaction: {
          id: handle.id,
          type: handle.payload.type,
          response_message_id: message?.id,
          response_message_loading: body.type === 5,
          response_message_ephemeral: response.ephemeral,
        },
        resource: { type: body.type, ...(message ? { message } : {}) },
      },
    ];
  }

  private editOriginal(token: string, body: unknown): [number, unknown] {
    const handle = this.handles.get(token);
    const original = this.originals.get(token);
    if (!handle || !original) {
      return [404, { message: 'Unknown Message', code: 10008 }];
    }
    const data = body as Record<string, unknown>;
    const refused = this.refuse(messageErrors(data), true, false);
    if (refused) {
      return [400, refused];
    }
    // An edit keeps what it does not replace; the flags (ephemeral) stay those of the first response.
    const flags = (original.flags as number) & ~128;
    const message: Record<string, unknown> = {
      ...messagePayload(
        this,
        {
          content: data.content ?? original.content,
          embeds: data.embeds ?? original.embeds,
          components: data.components ?? original.components,
          flags,
        },
        original.id as string,
      ),
      edited_timestamp: new Date().toISOString(),
    };
    this.originals.set(token, message);
    handle.record({
      kind: 'edit',
      type: null,
      content: String(message.content),
      embeds: message.embeds as BotResponse['embeds'],
      components: message.components as unknown[],
      flags,
      ephemeral: (flags & EPHEMERAL) !== 0,
      choices: [],
      message,
      body: data,
    });
    return [200, message];
  }

  private originalOf(token: string): [number, unknown] {
    const original = this.originals.get(token);
    return original ? [200, original] : [404, { message: 'Unknown Message', code: 10008 }];
  }

  private deleteOriginal(token: string): [number, unknown?] {
    return this.originals.delete(token) ? [204] : [404, { message: 'Unknown Message', code: 10008 }];
  }

  /** Create DM (POST /users/@me/channels {recipient_id}): a DM channel object, the same one for the same user. */
  private openDm(body: unknown): [number, unknown] {
    const recipient = (body as { recipient_id?: unknown } | null)?.recipient_id;
    if (typeof recipient !== 'string' || !/^\d{17,20}$/.test(recipient)) {
      return [400, invalidFormBody([{ path: ['recipient_id'], code: 'NUMBER_TYPE_COERCE', message: 'Value is not snowflake.' }])];
    }
    const id = this.dmChannels.get(recipient) ?? snowflake();
    this.dmChannels.set(recipient, id);
    return [200, { id, type: 1, last_message_id: null, flags: 0, recipients: [apiUser({ id: recipient, username: `user${recipient.slice(-4)}` })] }];
  }

  /**
   * Create Message in a guild text channel (postInGuildChannel) or a DM channel, under the same limits as every message. A user who does not accept DMs from
   * the bot gets Discord's 403 / 50007 "Cannot send messages to this user" (Discord docs, JSON error codes).
   */
  private sendToChannel(channelId: string, body: unknown): [number, unknown] {
    const posted = this.channelMessages.get(channelId);
    if (posted) {
      return this.postInGuildChannel(channelId, posted, body);
    }
    const recipient = [...this.dmChannels].find(([, id]) => id === channelId)?.[0];
    if (!recipient) {
      return [404, { message: 'Unknown Channel', code: 10003 }];
    }
    if (this.closedDms.has(recipient)) {
      return [403, { message: 'Cannot send messages to this user', code: 50007 }];
    }
    const data = body as Record<string, unknown>;
    const refused = this.refuse(messageErrors(data), false, isEmptyMessage(data));
    if (refused) {
      return [400, refused];
    }
    const message = { ...messagePayload(this, data), channel_id: channelId, guild_id: undefined };
    this.directMessages.set(recipient, [...(this.directMessages.get(recipient) ?? []), message]);
    return [200, message];
  }

  /** Create Message in a guild text channel, under the same limits as every message (content ≤ 2,000, not empty). */
  private postInGuildChannel(channelId: string, posted: Array<Record<string, unknown>>, body: unknown): [number, unknown] {
    const data = body as Record<string, unknown>;
    const refused = this.refuse(messageErrors(data), false, isEmptyMessage(data));
    if (refused) {
      return [400, refused];
    }
    const message = { ...messagePayload(this, data), channel_id: channelId, guild_id: this.guildId };
    posted.push(message);
    return [200, message];
  }

  private followUp(token: string, body: unknown): [number, unknown] {
    const handle = this.handles.get(token);
    if (!handle || !handle.responses.some((r) => r.kind === 'callback')) {
      return [404, { message: 'Unknown Webhook', code: 10015 }];
    }
    const data = body as Record<string, unknown>;
    const refused = this.refuse(messageErrors(data), true, isEmptyMessage(data));
    if (refused) {
      return [400, refused];
    }
    const message = messagePayload(this, data);
    const flags = message.flags as number;
    handle.record({
      kind: 'followup',
      type: null,
      content: String(message.content),
      embeds: message.embeds as BotResponse['embeds'],
      components: message.components as unknown[],
      flags,
      ephemeral: (flags & EPHEMERAL) !== 0,
      choices: [],
      message,
      body: data,
    });
    return [200, message];
  }
}
