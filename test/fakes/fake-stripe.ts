import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import Stripe from 'stripe';

// A wire-level stand-in for the Stripe API (the part agis uses: POST /v1/checkout/sessions), driven by
// the official `stripe` SDK over real HTTP, plus builders for the webhook events Stripe would send.
// What it refuses, as Stripe does (sources):
// - Authentication: https://docs.stripe.com/api/authentication — the secret key as a Bearer token (or the
//   Basic-auth user name); none or a wrong one is 401 with an `invalid_request_error`.
// - Errors: https://docs.stripe.com/api/errors — `{error: {type, code?, message, param?, doc_url?}}`, 400 for a
//   missing or invalid parameter (codes parameter_missing, parameter_unknown, parameter_invalid_integer,
//   url_invalid, amount_too_small), 401 for the key, 400 `idempotency_error` for a reused key with other parameters.
// - Checkout Session create: https://docs.stripe.com/api/checkout/sessions/create — form-encoded body with
//   nested keys (line_items[0][price_data][unit_amount]); line_items required in payment mode (1 to 100), each
//   with exactly one of price / price_data and a positive quantity; price_data needs a currency, product_data.name
//   and a non-negative integer unit_amount; success_url and cancel_url must be URLs; metadata at most 50 keys,
//   names up to 40 characters, values up to 500 (https://docs.stripe.com/metadata).
// - Minimum charge: https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts ($0.50 for USD).
// - Idempotency: https://docs.stripe.com/api/idempotent_requests — the same key and parameters replay the
//   first answer (Idempotent-Replayed: true); the same key with other parameters is refused.
// Stricter than Stripe on purpose: only mode=payment and the parameters listed in KNOWN are implemented
// (Stripe has more; a parameter the fake does not know is answered as Stripe answers an unknown one).

type Json = Record<string, unknown>;

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string | null;
  cancel_url: string | null;
  url: string;
  payment_intent: string | null;
  created: number;
  expires_at: number;
  livemode: false;
  /** The line items as the fake parsed them from the form body (Stripe returns them only when expanded). */
  line_items_received: Json[];
  /** Kept by the fake, not part of Stripe's session: the charge behind the payment, once paid. */
  charge?: { id: string; amount_refunded: number };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as the SDK sent it (form-encoded). */
  body: string;
  /** The body parsed into nested objects, as Stripe reads it. */
  params: Json;
}

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }
}

const invalid = (message: string, code: string, param?: string) =>
  new StripeApiError(400, { type: 'invalid_request_error', message, code, ...(param ? { param } : {}) });
const missing = (param: string) => invalid(`Missing required param: ${param}.`, 'parameter_missing', param);

/** Parameters the fake implements; anything else is `parameter_unknown`, as Stripe answers a parameter it does not have. */
const KNOWN: Record<string, readonly string[]> = {
  '': [
    'mode',
    'line_items',
    'success_url',
    'cancel_url',
    'client_reference_id',
    'metadata',
    'payment_intent_data',
    'customer_email',
    'expires_at',
    'locale',
    'ui_mode',
  ],
  line_item: ['price', 'price_data', 'quantity', 'metadata'],
  price_data: ['currency', 'product', 'product_data', 'unit_amount', 'tax_behavior'],
  product_data: ['name', 'description', 'images', 'metadata'],
  payment_intent_data: ['metadata', 'description', 'statement_descriptor', 'statement_descriptor_suffix', 'receipt_email'],
};
const CURRENCIES = ['usd', 'eur', 'gbp', 'cad', 'aud', 'chf', 'sek', 'nok', 'dkk', 'pln', 'jpy'];
/** Smallest charge per currency in its smallest unit; USD is the documented $0.50. */
const MINIMUM_CHARGE: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, jpy: 50 };

const randomId = (prefix: string, length = 24) => `${prefix}_${randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length)}`;
const now = () => Math.floor(Date.now() / 1000);

/**
 * Nested form keys (`a[b][0][c]=v`) into objects and arrays, the way Stripe's API reads a form body.
 * A malformed key is refused like an unknown parameter.
 */
export function parseStripeForm(body: string): Json {
  const root: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.match(/^[^[\]]+|\[[^[\]]*\]/g);
    if (!parts || parts.join('') !== key) {
      throw invalid(`Invalid parameter name: ${key}`, 'parameter_unknown', key);
    }
    const path = parts.map((p) => (p.startsWith('[') ? p.slice(1, -1) : p));
    let node: Json | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]);
      const container = node as Record<string, unknown>;
      if (last) {
        container[segment] = value;
      } else {
        container[segment] ??= nextIsIndex ? [] : {};
        node = container[segment] as Json | unknown[];
      }
    });
  }
  return root;
}

function checkKnown(params: Json, kind: string, at: string): void {
  for (const key of Object.keys(params)) {
    if (!KNOWN[kind].includes(key)) {
      const name = at ? `${at}[${key}]` : key;
      throw invalid(`Received unknown parameter: ${name}`, 'parameter_unknown', name);
    }
  }
}

function integer(value: unknown, param: string, min: number): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalid(`Invalid integer: ${String(value)}`, 'parameter_invalid_integer', param);
  }
  const n = Number(value);
  if (n < min) {
    throw invalid(`This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer', param);
  }
  return n;
}

function url(value: unknown, param: string): string {
  if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+/.test(value)) {
    throw invalid('Not a valid URL', 'url_invalid', param);
  }
  return value;
}

function metadataOf(value: unknown, param: string): Record<string, string> {
  if (value === undefined || value === '') {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`Invalid object`, 'parameter_invalid_empty', param);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) {
    throw invalid('You can only specify up to 50 metadata keys.', 'parameter_invalid_empty', param);
  }
  for (const [k, v] of entries) {
    if (k.length > 40) {
      throw invalid(`Metadata keys can have up to 40 characters; "${k}" has ${k.length}.`, 'parameter_invalid_string', `${param}[${k}]`);
    }
    if (typeof v !== 'string' || v.length > 500) {
      throw invalid('Metadata values can have up to 500 characters.', 'parameter_invalid_string', `${param}[${k}]`);
    }
  }
  return value as Record<string, string>;
}

export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly requests: ReceivedRequest[] = [];
  /** While true every connection is dropped before an answer: Stripe unreachable. */
  down = false;
  private readonly idempotent = new Map<string, { params: string; status: number; body: Json }>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly secretKey: string,
    readonly port: number,
  ) {}

  static async start(opts: { secretKey?: string } = {}): Promise<FakeStripe> {
    const self: { fake?: FakeStripe } = {};
    const server = createServer((req, res) => self.fake!.handle(req, res));
    server.on('connection', (socket) => {
      self.fake?.sockets.add(socket);
      socket.on('close', () => self.fake?.sockets.delete(socket));
      if (self.fake?.down) {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.fake = new FakeStripe(server, opts.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`, (server.address() as AddressInfo).port);
    return self.fake;
  }

  /** STRIPE_API_BASE for the app. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Session creations the fake accepted (replays of an idempotent request not counted). */
  get created(): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) {
      s.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- Webhook events, shaped as https://docs.stripe.com/api/events/object ---

  /** The customer paid: the session completes with a PaymentIntent and a charge; the event Stripe sends. */
  completeSession(sessionId: string, opts: { paymentStatus?: 'paid' | 'unpaid' } = {}): Json {
    const s = this.session(sessionId);
    s.status = 'complete';
    s.payment_status = opts.paymentStatus ?? 'paid';
    s.payment_intent ??= randomId('pi');
    s.charge ??= { id: randomId('ch'), amount_refunded: 0 };
    return this.event('checkout.session.completed', this.sessionObject(s));
  }

  /** A delayed payment method settled later: the second event of such a session. */
  asyncPaymentSucceeded(sessionId: string): Json {
    const s = this.session(sessionId);
    s.payment_status = 'paid';
    return this.event('checkout.session.async_payment_succeeded', this.sessionObject(s));
  }

  /** Refunds `amount` more (default: the rest); charge.refunded carries the charge with its cumulative amount_refunded. */
  refund(sessionId: string, amount?: number): Json {
    const s = this.session(sessionId);
    const charge = this.chargeOf(s);
    charge.amount_refunded = Math.min(s.amount_total, charge.amount_refunded + (amount ?? s.amount_total - charge.amount_refunded));
    return this.event('charge.refunded', this.chargeObject(s));
  }

  /** The cardholder disputes the whole charge: charge.dispute.created carries the Dispute. */
  dispute(sessionId: string): Json {
    const s = this.session(sessionId);
    const charge = this.chargeOf(s);
    return this.event('charge.dispute.created', {
      id: randomId('dp'),
      object: 'dispute',
      amount: s.amount_total,
      charge: charge.id,
      currency: s.currency,
      payment_intent: s.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
      livemode: false,
      created: now(),
    });
  }

  /** Any event, e.g. a type agis does not handle. */
  event(type: string, object: Json): Json {
    return {
      id: randomId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }

  /**
   * A delivery as Stripe sends it: the JSON body and its Stripe-Signature header, made with the SDK's own
   * test helper. `timestamp` (unix seconds) makes a stale one; every real retry is signed afresh.
   */
  static sign(event: Json, secret: string, opts: { timestamp?: number } = {}): { payload: string; header: string } {
    const payload = JSON.stringify(event, null, 2);
    return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: opts.timestamp }) };
  }

  private session(id: string): FakeSession {
    const s = this.sessions.get(id);
    if (!s) {
      throw new Error(`FakeStripe: no session ${id}`);
    }
    return s;
  }

  private chargeOf(s: FakeSession): NonNullable<FakeSession['charge']> {
    if (!s.charge || s.payment_status !== 'paid') {
      throw new Error(`FakeStripe: session ${s.id} was not paid, so it has no charge to refund or dispute`);
    }
    return s.charge;
  }

  private sessionObject(s: FakeSession): Json {
    const { charge: _charge, line_items_received: _items, ...session } = s;
    return { ...session };
  }

  private chargeObject(s: FakeSession): Json {
    const charge = this.chargeOf(s);
    return {
      id: charge.id,
      object: 'charge',
      amount: s.amount_total,
      amount_captured: s.amount_total,
      amount_refunded: charge.amount_refunded,
      currency: s.currency,
      paid: true,
      payment_intent: s.payment_intent,
      refunded: charge.amount_refunded === s.amount_total,
      status: 'succeeded',
      livemode: false,
      created: now(),
    };
  }

  // --- The API ---

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const send = (status: number, json: Json, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomId('req', 14), ...headers }).end(JSON.stringify(json));
      try {
        this.authenticate(req.headers.authorization);
        if (req.method !== 'POST' || path !== '/v1/checkout/sessions') {
          throw new StripeApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` });
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          throw invalid('Invalid request: the body must be form-encoded (application/x-www-form-urlencoded).', 'parameter_invalid_empty');
        }
        const params = parseStripeForm(body);
        const key = req.headers['idempotency-key'];
        const earlier = typeof key === 'string' ? this.idempotent.get(key) : undefined;
        if (earlier) {
          if (earlier.params !== body) {
            throw new StripeApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            });
          }
          send(earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
          return;
        }
        this.requests.push({ method: req.method, path, headers: req.headers, body, params });
        const session = this.createSession(params);
        if (typeof key === 'string') {
          this.idempotent.set(key, { params: body, status: 200, body: session });
        }
        send(200, session);
      } catch (err) {
        if (err instanceof StripeApiError) {
          send(err.status, {
            error: { ...err.body, ...(err.body.code ? { doc_url: `https://stripe.com/docs/error-codes/${err.body.code.replace(/_/g, '-')}` } : {}) },
          });
          return;
        }
        send(500, { error: { type: 'api_error', message: String(err) } });
      }
    });
  }

  private authenticate(header: string | undefined): void {
    const bearer = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const basic = /^Basic (.+)$/.exec(header ?? '')?.[1];
    const key = bearer ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined);
    if (!key) {
      throw new StripeApiError(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      });
    }
    if (key !== this.secretKey) {
      throw new StripeApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}` });
    }
  }

  private createSession(params: Json): Json {
    checkKnown(params, '', '');
    const mode = params.mode ?? 'payment';
    if (mode !== 'payment') {
      throw invalid(`Invalid mode: ${String(mode)} (this fake implements mode=payment only)`, 'parameter_invalid_empty', 'mode');
    }
    if (params.ui_mode !== undefined && params.ui_mode !== 'hosted_page') {
      throw invalid('This fake implements the hosted page only.', 'parameter_invalid_empty', 'ui_mode');
    }
    const items = params.line_items;
    if (!Array.isArray(items) || items.length === 0) {
      throw missing('line_items');
    }
    if (items.length > 100) {
      throw invalid('A Checkout Session in payment mode can have at most 100 line items.', 'parameter_invalid_empty', 'line_items');
    }
    let total = 0;
    let currency: string | null = null;
    items.forEach((raw: unknown, i) => {
      const at = `line_items[${i}]`;
      const item = (raw ?? {}) as Json;
      checkKnown(item, 'line_item', at);
      if (item.price !== undefined) {
        throw invalid(`No such price: '${String(item.price)}'`, 'resource_missing', `${at}[price]`);
      }
      const price = item.price_data as Json | undefined;
      if (!price) {
        throw invalid(`You must specify either \`price\` or \`price_data\` in ${at}.`, 'parameter_missing', at);
      }
      checkKnown(price, 'price_data', `${at}[price_data]`);
      if (typeof price.currency !== 'string' || !price.currency) {
        throw missing(`${at}[price_data][currency]`);
      }
      const cur = price.currency.toLowerCase();
      if (!CURRENCIES.includes(cur)) {
        throw invalid(
          `Invalid currency: ${price.currency}. Stripe currently supports these currencies: ${CURRENCIES.join(', ')}`,
          'parameter_invalid_empty',
          `${at}[price_data][currency]`,
        );
      }
      if (currency && cur !== currency) {
        throw invalid('All line items must have the same currency.', 'parameter_invalid_empty', `${at}[price_data][currency]`);
      }
      currency = cur;
      const product = price.product_data as Json | undefined;
      if (price.product === undefined && !product) {
        throw missing(`${at}[price_data][product_data]`);
      }
      if (product) {
        checkKnown(product, 'product_data', `${at}[price_data][product_data]`);
        if (typeof product.name !== 'string' || !product.name) {
          throw missing(`${at}[price_data][product_data][name]`);
        }
      }
      if (price.unit_amount === undefined) {
        throw missing(`${at}[price_data][unit_amount]`);
      }
      const unit = integer(price.unit_amount, `${at}[price_data][unit_amount]`, 0);
      if (item.quantity === undefined) {
        throw missing(`${at}[quantity]`);
      }
      const quantity = integer(item.quantity, `${at}[quantity]`, 1);
      metadataOf(item.metadata, `${at}[metadata]`);
      total += unit * quantity;
    });
    const minimum = MINIMUM_CHARGE[currency!] ?? 50;
    if (total < minimum) {
      throw invalid(
        `The Checkout Session's total amount due must add up to at least ${minimum} ${currency!} (in the smallest unit).`,
        'amount_too_small',
      );
    }
    const pi = (params.payment_intent_data ?? {}) as Json;
    checkKnown(pi, 'payment_intent_data', 'payment_intent_data');
    metadataOf(pi.metadata, 'payment_intent_data[metadata]');
    const id = randomId('cs_test', 58);
    const created = now();
    const session: FakeSession = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: total,
      amount_total: total,
      currency: currency!,
      client_reference_id: typeof params.client_reference_id === 'string' ? params.client_reference_id : null,
      metadata: metadataOf(params.metadata, 'metadata'),
      success_url: params.success_url === undefined ? null : url(params.success_url, 'success_url'),
      cancel_url: params.cancel_url === undefined ? null : url(params.cancel_url, 'cancel_url'),
      // Real links are ~350 characters: the id, then a fragment the page decodes.
      url: `https://checkout.stripe.com/c/pay/${id}#${randomBytes(160).toString('base64url')}`,
      payment_intent: null,
      created,
      expires_at: created + 24 * 3600,
      livemode: false,
      line_items_received: items as Json[],
    };
    this.sessions.set(id, session);
    return this.sessionObject(session);
  }
}
