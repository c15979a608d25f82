import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';

export const ROLES = ['api', 'bot', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : String(value)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * An ad network's offer link with one `{discordId}` where the user's Discord id goes (reward callbacks name the user by it).
 * Discord link buttons take URLs of at most 512 characters; a template within 480 stays within it once filled.
 */
export const OFFER_URL_TEMPLATE = /^https?:\/\/[^\s{}]*\{discordId\}[^\s{}]*$/;
export const OFFER_URL_TEMPLATE_MAX = 480;

/** Secrets copied from files or dashboards often end in a newline; the Stripe SDK would send or compare it as part of the value. */
const toTrimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Describes one env var for the README table and for error messages. */
export interface SettingDoc {
  env: string;
  default: string;
  description: string;
}
export const SETTINGS: SettingDoc[] = [];
function doc(env: string, def: string, description: string): PropertyDecorator {
  SETTINGS.push({ env, default: def, description });
  return () => undefined;
}

/**
 * Every setting of the service, read once from the environment and validated at boot.
 * Field names are the env var names so a validation message names the bad variable.
 */
export class AppConfig {
  @doc('PORT', '3000', 'HTTP port of the API')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @doc('HOST', '0.0.0.0', 'Interface the HTTP server binds to')
  @IsString()
  HOST = '0.0.0.0';

  @doc(
    'TRUST_PROXY',
    'loopback',
    'Proxies whose X-Forwarded-For is believed (client IP for rate limits and key allow-lists): Express trust-proxy values such as loopback, uniquelocal or CIDRs',
  )
  @IsString()
  TRUST_PROXY = 'loopback';

  @doc('PUBLIC_URL', 'http://localhost:$PORT', 'Base URL printed for Swagger and links')
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;

  @doc('DATABASE_URL', '(embedded)', 'PostgreSQL URL; when unset an embedded PostgreSQL runs in $DATA_DIR/pg')
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @doc(
    'DATA_DIR',
    './.data',
    'Folder for local state: the embedded PostgreSQL (pg/, owned by one agis process, recorded in pg.lock) and the generated webhook key',
  )
  @IsString()
  DATA_DIR = './.data';

  @doc('DATABASE_POOL_SIZE', '10', 'Maximum connections in the pool')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @doc(
    'AGIS_ROLES',
    'api,bot,scheduler',
    'Comma list of roles this process runs: api (REST API and /api/docs), bot, scheduler; without api only /healthz, /readyz and /metrics are served',
  )
  @Transform(toList)
  @IsIn(ROLES, { each: true, message: `AGIS_ROLES entries must be among: ${ROLES.join(', ')}` })
  AGIS_ROLES: Role[] = ['api', 'bot', 'scheduler'];

  @doc('DISCORD_TOKEN', '(unset: bot off)', 'Discord bot token; the bot role starts only when set')
  @IsOptional()
  @IsString()
  DISCORD_TOKEN?: string;

  @doc('REDIS_URL', '(unset: memory)', 'Redis URL for shared rate-limit counters')
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @doc('LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent')
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @doc('NODE_ENV', 'development', 'development, production or test')
  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  @doc(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    '(unset: tracing off)',
    'OpenTelemetry collector base URL (OTLP/HTTP, JSON); spans go to <endpoint>/v1/traces. Unset: no tracing SDK is started',
  )
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @doc('OTEL_SERVICE_NAME', 'agis', 'service.name of the exported spans')
  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME = 'agis';

  @doc('DEMO_SEED', 'true', 'On an empty database, create a demo user and print a demo API key')
  @Transform(toBool)
  @IsBoolean()
  DEMO_SEED = true;

  @doc('API_KEY_TOUCH_INTERVAL_MS', '15000', 'How often last_used_at of API keys is flushed to the database')
  @Transform(toInt)
  @IsInt()
  @Min(100)
  API_KEY_TOUCH_INTERVAL_MS = 15000;

  @doc('SHUTDOWN_GRACE_MS', '10000', 'How long in-flight requests may finish on SIGTERM')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10000;

  // --- Agones / game servers ---
  @doc('AGONES_MODE', 'local', 'local (in-process simulator) or kubernetes (real Agones via the Kubernetes API)')
  @IsIn(['local', 'kubernetes'])
  AGONES_MODE: 'local' | 'kubernetes' = 'local';

  @doc('AGONES_NAMESPACE', 'default', 'Namespace where GameServers are created')
  @IsString()
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'AGONES_NAMESPACE must be a Kubernetes namespace name' })
  AGONES_NAMESPACE = 'default';

  @doc('KUBECONFIG', '(in-cluster)', 'Path to a kubeconfig; unset uses the in-cluster service account')
  @IsOptional()
  @IsString()
  KUBECONFIG?: string;

  @doc('AGONES_TIMEOUT_MS', '10000', 'Timeout of one Kubernetes API call')
  @Transform(toInt)
  @IsInt()
  @Min(100)
  AGONES_TIMEOUT_MS = 10000;

  @doc(
    'AGONES_SIDECAR_IMAGE',
    'agis:0.1.0',
    "AGONES_MODE=kubernetes: image of the readiness sidecar in every GameServer pod (this service's own image, which carries dist/src/sidecar.js)",
  )
  @IsString()
  @Matches(/^\S{1,255}$/, { message: 'AGONES_SIDECAR_IMAGE must be a container image reference' })
  AGONES_SIDECAR_IMAGE = 'agis:0.1.0';

  @doc(
    'AGONES_STORAGE_CLASS',
    '(cluster default)',
    'AGONES_MODE=kubernetes: storage class of the world volumes (one PersistentVolumeClaim per server)',
  )
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'AGONES_STORAGE_CLASS must be a storage class name' })
  AGONES_STORAGE_CLASS?: string;

  @doc('LOCAL_AGONES_STEP_MS', '800', 'AGONES_MODE=local: delay between simulated GameServer states (Creating → Scheduled → RequestReady → Ready)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600000)
  LOCAL_AGONES_STEP_MS = 800;

  @doc('GAME_CATALOG_FILE', '(built-in)', 'JSON file overriding game types (cost, image, ports, resources)')
  @IsOptional()
  @IsString()
  GAME_CATALOG_FILE?: string;

  @doc('CATALOG_REFRESH_MS', '30000', 'How often every process re-reads the game catalog (prices, enabled games) that staff change at run time')
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  CATALOG_REFRESH_MS = 30000;

  @doc('BILLING_TICK_MS', '60000', 'How often running servers are billed for the next hour')
  @Transform(toInt)
  @IsInt()
  @Min(50)
  BILLING_TICK_MS = 60000;

  @doc('RECONCILE_INTERVAL_MS', '300000', 'How often GameServers and database records are reconciled')
  @Transform(toInt)
  @IsInt()
  @Min(50)
  RECONCILE_INTERVAL_MS = 300000;

  @doc('EVENTS_POLL_MS', '1000', 'How often an open GET /api/v1/events stream looks for new events')
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  EVENTS_POLL_MS = 1000;

  @doc('EVENTS_HEARTBEAT_MS', '15000', 'A quiet event stream sends a comment this often so proxies keep it open')
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(300000)
  EVENTS_HEARTBEAT_MS = 15000;

  @doc('DIRECT_MESSAGES_TICK_MS', '2000', "Bot role: how often owners' direct messages (server ready, stopped, failed) are sent")
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  DIRECT_MESSAGES_TICK_MS = 2000;

  @doc('EVENTS_RETENTION_DAYS', '7', 'Events older than this are purged from the event log (a stream cannot resume past them)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  EVENTS_RETENTION_DAYS = 7;

  @doc(
    'SERVER_BOOT_TIMEOUT_SECONDS',
    '600',
    'How long a start may take to become Ready (games may set their own readiness.bootSeconds); past it the start ends in error and its hour is refunded. At most 3600: the allowance ends within the hour charged at start',
  )
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(3600)
  SERVER_BOOT_TIMEOUT_SECONDS = 600;

  @doc('START_DEADLINE_CHECK_MS', '15000', 'How often the scheduler role looks for starts past their boot deadline')
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(600000)
  START_DEADLINE_CHECK_MS = 15000;

  // --- Scheduling ---
  @doc('SCHEDULER_TICK_MS', '1000', 'How often the schedule executor looks for due schedules')
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  SCHEDULER_TICK_MS = 1000;

  @doc('SCHEDULER_LEASE_MS', '60000', "How long a claimed schedule stays claimed; a crashed replica's claims expire after this")
  @Transform(toInt)
  @IsInt()
  @Min(500)
  SCHEDULER_LEASE_MS = 60000;

  @doc('SCHEDULER_BATCH_SIZE', '100', 'At most this many due schedules claimed per query (also capped by SCHEDULER_CONCURRENCY)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SCHEDULER_BATCH_SIZE = 100;

  @doc('SCHEDULER_CONCURRENCY', '16', 'Schedule actions run in parallel per replica')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  SCHEDULER_CONCURRENCY = 16;

  @doc('SCHEDULER_LATE_AFTER_MS', '60000', 'A run starting this long after its due time is recorded as late')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SCHEDULER_LATE_AFTER_MS = 60000;

  // --- Economy: starter credits, work, premium ---
  @doc('STARTER_CREDITS', '100', 'GC a new user starts with (first Discord command or first API key): one ledger row, once; 0 turns it off')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000000)
  STARTER_CREDITS = 100;

  @doc('WORK_REWARD_GC', '15', 'GC one /work (POST /users/me/work) pays; premium users get twice as much')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  WORK_REWARD_GC = 15;

  @doc('WORK_COOLDOWN_MINUTES', '60', 'Minutes between two paid /work claims of one user (a sliding window from the last claim)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10080)
  WORK_COOLDOWN_MINUTES = 60;

  @doc(
    'PREMIUM_PRICE_WTG_PER_MONTH',
    '1',
    'WTG coins one month of premium costs (POST /users/me/premium, /premium buy); premium doubles daily and work rewards',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  PREMIUM_PRICE_WTG_PER_MONTH = 1;

  // --- Economy: leaderboards and ad rewards ---
  @doc('LEADERBOARD_CACHE_MS', '5000', "How long the top 100 of each leaderboard is served from memory (the caller's own value is always fresh)")
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  LEADERBOARD_CACHE_MS = 5000;

  @doc('LEADERBOARD_RANK_SNAPSHOT_MS', '30000', 'How often the rank checkpoints behind "your rank" are re-read (deep ranks may lag by this much)')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600000)
  LEADERBOARD_RANK_SNAPSHOT_MS = 30000;

  @doc('REWARDS_SECRET_OFFERWALL', '(unset: provider off)', "HMAC-SHA256 secret of the offerwall ad network's callbacks")
  @IsOptional()
  @IsString()
  REWARDS_SECRET_OFFERWALL?: string;

  @doc('REWARDS_SECRET_SURVEY', '(unset: provider off)', "HMAC-SHA256 secret of the survey ad network's callbacks")
  @IsOptional()
  @IsString()
  REWARDS_SECRET_SURVEY?: string;

  @doc('REWARDS_SECRET_VIDEO', '(unset: provider off)', "HMAC-SHA256 secret of the video ad network's callbacks")
  @IsOptional()
  @IsString()
  REWARDS_SECRET_VIDEO?: string;

  @doc('REWARDS_MAX_PER_HOUR', '10', 'Ad conversions credited per user per hour; later ones are marked fraud (velocity)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REWARDS_MAX_PER_HOUR = 10;

  @doc('REWARDS_MAX_AMOUNT', '5000', 'Largest GC reward of one conversion; above it the conversion is marked fraud (amount_ceiling)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REWARDS_MAX_AMOUNT = 5000;

  @doc(
    'REWARDS_OFFER_URL_OFFERWALL',
    '(unset: not offered)',
    "Link /earn and GET /rewards/offers give for the offerwall network (needs REWARDS_SECRET_OFFERWALL); {discordId} becomes the user's Discord id, which its callbacks send back",
  )
  @IsOptional()
  @MaxLength(OFFER_URL_TEMPLATE_MAX)
  @Matches(OFFER_URL_TEMPLATE, { message: 'REWARDS_OFFER_URL_OFFERWALL must be an http(s) URL containing {discordId}' })
  REWARDS_OFFER_URL_OFFERWALL?: string;

  @doc(
    'REWARDS_OFFER_URL_SURVEY',
    '(unset: not offered)',
    "Link /earn and GET /rewards/offers give for the survey network (needs REWARDS_SECRET_SURVEY); {discordId} becomes the user's Discord id",
  )
  @IsOptional()
  @MaxLength(OFFER_URL_TEMPLATE_MAX)
  @Matches(OFFER_URL_TEMPLATE, { message: 'REWARDS_OFFER_URL_SURVEY must be an http(s) URL containing {discordId}' })
  REWARDS_OFFER_URL_SURVEY?: string;

  @doc(
    'REWARDS_OFFER_URL_VIDEO',
    '(unset: not offered)',
    "Link /earn and GET /rewards/offers give for the video network (needs REWARDS_SECRET_VIDEO); {discordId} becomes the user's Discord id",
  )
  @IsOptional()
  @MaxLength(OFFER_URL_TEMPLATE_MAX)
  @Matches(OFFER_URL_TEMPLATE, { message: 'REWARDS_OFFER_URL_VIDEO must be an http(s) URL containing {discordId}' })
  REWARDS_OFFER_URL_VIDEO?: string;

  // --- Payments: Stripe Checkout ---
  @doc(
    'STRIPE_SECRET_KEY',
    '(unset: checkout off)',
    'Stripe secret (sk_…) or restricted (rk_…) API key; buying WTG coins (POST /shop/checkout, /shop buy) is off (404) until it is set, and needs STRIPE_WEBHOOK_SECRET',
  )
  @IsOptional()
  @Transform(toTrimmed)
  @Matches(/^(sk|rk)_(test|live)_\S+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_…, sk_live_…, rk_…)' })
  STRIPE_SECRET_KEY?: string;

  @doc(
    'STRIPE_WEBHOOK_SECRET',
    '(unset: webhook off)',
    'Signing secret (whsec_…) of the Stripe webhook endpoint POST /api/v1/payments/stripe/webhook; events are verified with it over the raw body',
  )
  @IsOptional()
  @Transform(toTrimmed)
  @Matches(/^whsec_\S+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a Stripe webhook signing secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET?: string;

  @doc(
    'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
    '300',
    "Oldest Stripe-Signature timestamp accepted, in seconds (Stripe's own default); older deliveries are refused as replays",
  )
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600)
  STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

  @doc('STRIPE_API_BASE', 'https://api.stripe.com', 'Stripe API origin the SDK calls (tests point it at a fake); scheme, host and port only')
  @Matches(/^https?:\/\/[^/\s:]+(:\d{1,5})?\/?$/, { message: 'STRIPE_API_BASE must be an http(s) origin such as https://api.stripe.com' })
  STRIPE_API_BASE = 'https://api.stripe.com';

  @doc(
    'CHECKOUT_SUCCESS_URL',
    'https://discord.com/channels/@me',
    'Where Stripe Checkout sends the buyer after paying (the coins arrive through the webhook, not this page); {CHECKOUT_SESSION_ID} is filled in by Stripe',
  )
  @Matches(/^https?:\/\/\S+$/, { message: 'CHECKOUT_SUCCESS_URL must be an http(s) URL' })
  CHECKOUT_SUCCESS_URL = 'https://discord.com/channels/@me';

  @doc('CHECKOUT_CANCEL_URL', 'https://discord.com/channels/@me', 'Where Stripe Checkout sends a buyer who goes back without paying')
  @Matches(/^https?:\/\/\S+$/, { message: 'CHECKOUT_CANCEL_URL must be an http(s) URL' })
  CHECKOUT_CANCEL_URL = 'https://discord.com/channels/@me';

  // --- Discord ---
  @doc('DISCORD_DEV_GUILD_ID', '(unset: global)', 'Register slash commands in this guild only (development)')
  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'DISCORD_DEV_GUILD_ID must be a guild snowflake' })
  DISCORD_DEV_GUILD_ID?: string;

  @doc('DISCORD_API_URL', 'https://discord.com/api', 'Discord REST base (tests point it at a fake)')
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'DISCORD_API_URL must be an http(s) URL' })
  DISCORD_API_URL?: string;

  @doc('STAFF_GUILD_ID', '(unset: no Discord staff)', 'The guild whose ADMIN_ROLE_IDS make a member staff for the /admin commands')
  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'STAFF_GUILD_ID must be a guild snowflake' })
  STAFF_GUILD_ID?: string;

  @doc('ADMIN_ROLE_IDS', '(unset: no Discord staff)', 'Comma list of role ids in STAFF_GUILD_ID whose members may run the /admin commands')
  @Transform(toList)
  @Matches(/^\d{5,20}$/, { each: true, message: 'ADMIN_ROLE_IDS entries must be role snowflakes' })
  ADMIN_ROLE_IDS: string[] = [];

  // --- Hardening: webhooks, rate limits, CORS ---
  @doc(
    'WEBHOOK_SECRET_KEY',
    '(unset: key file in $DATA_DIR)',
    'Key (at least 32 characters) that encrypts webhook signing secrets at rest (AES-256-GCM); every replica must share it. Required when NODE_ENV=production and DATABASE_URL is set. Unset: a random key generated once in $DATA_DIR/webhook-secret.key (mode 0600)',
  )
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'WEBHOOK_SECRET_KEY must be at least 32 characters' })
  WEBHOOK_SECRET_KEY?: string;

  @doc(
    'WEBHOOK_SECRET_KEY_PREVIOUS',
    '(unset)',
    'The key used before WEBHOOK_SECRET_KEY during a rotation: secrets it sealed still open, and are re-sealed with WEBHOOK_SECRET_KEY at boot',
  )
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'WEBHOOK_SECRET_KEY_PREVIOUS must be at least 32 characters' })
  WEBHOOK_SECRET_KEY_PREVIOUS?: string;

  @doc(
    'WEBHOOKS_ALLOW_PRIVATE',
    'false',
    'Allow webhook URLs that resolve to private, loopback, link-local or unique-local addresses (trusted networks and tests only)',
  )
  @Transform(toBool)
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE = false;

  @doc('WEBHOOKS_ALLOWED_CIDRS', '(none)', 'Comma list of CIDRs webhook URLs may resolve to even though they are private, e.g. 10.20.0.0/16')
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[0-9a-fA-F:.]+\/\d{1,3}$/, { each: true, message: 'WEBHOOKS_ALLOWED_CIDRS entries must be CIDRs like 10.0.0.0/8' })
  WEBHOOKS_ALLOWED_CIDRS: string[] = [];

  @doc('WEBHOOKS_TICK_MS', '1000', 'How often the webhook dispatcher (scheduler role) looks for due deliveries')
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  WEBHOOKS_TICK_MS = 1000;

  @doc('WEBHOOKS_CONCURRENCY', '8', 'Webhook deliveries sent in parallel per replica')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOKS_CONCURRENCY = 8;

  @doc('WEBHOOKS_TIMEOUT_MS', '10000', 'Timeout of one webhook POST; a delivery stays claimed for this plus 30 s')
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120000)
  WEBHOOKS_TIMEOUT_MS = 10000;

  @doc('WEBHOOKS_BACKOFF_BASE_MS', '10000', 'Delay before the first retry of a failed delivery; doubles per attempt (with jitter)')
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WEBHOOKS_BACKOFF_BASE_MS = 10000;

  @doc('WEBHOOKS_BACKOFF_MAX_MS', '3600000', 'Longest delay between two attempts of a delivery')
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WEBHOOKS_BACKOFF_MAX_MS = 3600000;

  @doc('WEBHOOKS_RETRY_WINDOW_MS', '86400000', 'A delivery is retried until it is this old, then marked failed')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WEBHOOKS_RETRY_WINDOW_MS = 86400000;

  @doc(
    'WEBHOOKS_DISABLE_AFTER_FAILURES',
    '20',
    'A webhook is disabled after this many failed attempts in a row (its pending deliveries are marked failed)',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOKS_DISABLE_AFTER_FAILURES = 20;

  @doc('CREDITS_LOW_THRESHOLD', '100', 'A spend that takes a balance from at least this many GC to below it emits the credits.low webhook event')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CREDITS_LOW_THRESHOLD = 100;

  @doc('GIFT_DAILY_LIMIT_GC', '1000', 'GC one user may give away with gifts per UTC day (POST /credits/gifts, /gift)')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000000)
  GIFT_DAILY_LIMIT_GC = 1000;

  @doc('RATE_LIMIT_PER_MINUTE', '300', 'Requests per minute per API key (per client IP without a key) on /api/v1')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 300;

  @doc(
    'RATE_LIMIT_CREATE_PER_MINUTE',
    '30',
    'Creations of servers, schedules, API keys and webhooks per minute per API key (on top of RATE_LIMIT_PER_MINUTE)',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_CREATE_PER_MINUTE = 30;

  @doc('RATE_LIMIT_REDIS_PREFIX', 'agis:ratelimit:', 'Prefix of the rate-limit counters in Redis (REDIS_URL)')
  @IsString()
  @Matches(/^[\w:.-]{1,64}$/, { message: 'RATE_LIMIT_REDIS_PREFIX must be 1-64 letters, digits, _ : . -' })
  RATE_LIMIT_REDIS_PREFIX = 'agis:ratelimit:';

  @doc('CORS_ORIGINS', '(unset: CORS off)', 'Comma list of browser origins allowed to call the API cross-origin, e.g. https://panel.example.com')
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^https?:\/\/[^/\s]+$/, { each: true, message: 'CORS_ORIGINS entries must be origins like https://panel.example.com' })
  CORS_ORIGINS: string[] = [];

  hasRole(role: Role): boolean {
    return this.AGIS_ROLES.includes(role);
  }

  get publicUrl(): string {
    return this.PUBLIC_URL ?? `http://localhost:${this.PORT}`;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Settings whose value must never reach a log, even when it is wrong (the boot error names them, not their value). */
const SECRET_SETTING = /SECRET|TOKEN|_KEY(_|$)|PASSWORD|DATABASE_URL|REDIS_URL/;

function shown(name: string, value: unknown): string {
  return SECRET_SETTING.test(name) && value !== undefined ? '(hidden)' : JSON.stringify(value);
}

/** Builds the config from an env map; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const known = Object.fromEntries(SETTINGS.map((s) => [s.env, env[s.env]]).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, known);
  Object.assign(config, overrides);
  const problems = validateSync(config, { forbidUnknownValues: false }).map(
    (e) => `${e.property}=${shown(e.property, env[e.property] ?? (e.value as unknown))}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (config.NODE_ENV === 'production' && config.DATABASE_URL && !config.WEBHOOK_SECRET_KEY && config.AGIS_ROLES.length > 0) {
    // A key file on one machine cannot serve replicas sharing an external database. (Operator commands
    // run with no role, such as migrations, never seal a secret.)
    problems.push(
      'WEBHOOK_SECRET_KEY=undefined: required when NODE_ENV=production and DATABASE_URL is set ' +
        '(at least 32 characters, the same on every replica; e.g. openssl rand -base64 32)',
    );
  }
  if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
    // Checkout would take payments whose coins never arrive: the webhook is what grants them.
    problems.push('STRIPE_WEBHOOK_SECRET=undefined: required when STRIPE_SECRET_KEY is set (the signing secret of the webhook endpoint, whsec_…)');
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}
