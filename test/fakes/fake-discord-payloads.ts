// Wire shapes the fake Discord sends, as discord.js 14.28 reads them (see shared notes, toolchain §3).
// Only fields discord.js needs to build its structures are filled; values are plausible, not random.

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh, time-ordered snowflake (discord.js derives timestamps from it). */
export function snowflake(): string {
  increment = (increment + 1n) % 4096n;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment);
}

export interface FakeUser {
  id: string;
  username: string;
  /** Role ids the user holds in the fake's guild (its member object's `roles`); roles Discord sends exist in the guild. */
  roles?: string[];
  /** The member's computed permissions in the interaction (`member.permissions`); every permission by default. */
  permissions?: string;
}

/** A role of the fake's guild with no permissions of its own, for tests that give a member a role (staff). */
export const FAKE_STAFF_ROLE_ID = '300000000000000001';

/** A Discord user with a unique id, for tests that need many distinct people. */
export function fakeUser(username = 'player'): FakeUser {
  return { id: snowflake(), username };
}

export const ALL_PERMISSIONS = '2251799813685247';

export function apiUser(u: FakeUser, bot = false): Record<string, unknown> {
  return { id: u.id, username: u.username, discriminator: '0', global_name: bot ? null : u.username, avatar: null, bot, flags: 0 };
}

export interface FakeWorld {
  applicationId: string;
  guildId: string;
  channelId: string;
  bot: FakeUser;
}

export function readyPayload(w: FakeWorld, sessionId: string, resumeUrl: string): Record<string, unknown> {
  return {
    v: 10,
    user: { ...apiUser(w.bot, true), verified: true, mfa_enabled: false },
    guilds: [{ id: w.guildId, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: w.applicationId, flags: 0 },
  };
}

export function guildPayload(w: FakeWorld): Record<string, unknown> {
  return {
    id: w.guildId,
    name: 'agis test guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: w.bot.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: w.guildId,
        name: '@everyone',
        permissions: ALL_PERMISSIONS,
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
      { id: FAKE_STAFF_ROLE_ID, name: 'staff', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 1,
    voice_states: [],
    members: [],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    channels: [
      { id: w.channelId, type: 0, name: 'general', guild_id: w.guildId, position: 0, permission_overwrites: [], nsfw: false, parent_id: null },
    ],
  };
}

/** The envelope every interaction shares; `type` and `data` make it a command, autocomplete or button press. */
export function interactionPayload(
  w: FakeWorld,
  user: FakeUser,
  guildId: string,
  type: number,
  data: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: snowflake(),
    application_id: w.applicationId,
    type,
    token: `itk_${snowflake()}_${Math.random().toString(36).slice(2)}`,
    version: 1,
    locale: 'en-US',
    guild_locale: 'en-US',
    app_permissions: ALL_PERMISSIONS,
    entitlements: [],
    authorizing_integration_owners: { 0: guildId },
    context: 0,
    data,
    guild_id: guildId,
    guild: { id: guildId, locale: 'en-US', features: [] },
    channel_id: w.channelId,
    channel: {
      id: w.channelId,
      type: 0,
      name: 'general',
      guild_id: guildId,
      permissions: ALL_PERMISSIONS,
      nsfw: false,
      parent_id: null,
      position: 0,
    },
    member: {
      user: apiUser(user),
      roles: user.roles ?? [],
      joined_at: new Date().toISOString(),
      permissions: user.permissions ?? ALL_PERMISSIONS,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
    },
    ...extra,
  };
}

/** A message as Discord returns it for a bot's interaction response, edit or follow-up. */
export function messagePayload(w: FakeWorld, body: Record<string, unknown>, id = snowflake()): Record<string, unknown> {
  return {
    id,
    type: 20,
    channel_id: w.channelId,
    guild_id: w.guildId,
    author: apiUser(w.bot, true),
    content: typeof body.content === 'string' ? body.content : '',
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    components: Array.isArray(body.components) ? body.components : [],
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    webhook_id: w.applicationId,
    application_id: w.applicationId,
  };
}
