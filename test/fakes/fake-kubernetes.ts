import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FakeOp = 'create' | 'get' | 'list' | 'delete' | 'watch';

export interface RecordedK8sRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  op: FakeOp | null;
  authorization: string | undefined;
  body: unknown;
  status: number;
}

/** A GameServer as the fake stores and returns it. */
export interface FakeGameServer {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string;
    generateName?: string; labels?: Record<string, string>; [key: string]: unknown;
  };
  spec?: { ports?: Array<{ name?: string }>; [key: string]: unknown };
  status: { state: string; address?: string; ports?: Array<{ name: string; port: number }>; [key: string]: unknown };
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
interface HistoryEvent { rv: number; type: EventType; object: FakeGameServer }
interface OpenWatch { res: ServerResponse; namespace: string; selector: Selector; bookmarks: boolean; timer?: NodeJS.Timeout }
type Selector = (labels: Record<string, string>) => boolean;

const PATH = /^\/apis\/agones\.dev\/v1\/namespaces\/([a-z0-9-]+)\/gameservers(?:\/([^/]+))?\/?$/;
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const REASONS: Record<number, string> = {
  400: 'BadRequest', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'AlreadyExists', 410: 'Expired',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable',
};

/** The Status object the API server sends with every error (and in-stream ERROR events). */
export function statusBody(code: number, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'Unknown', code };
}

/**
 * A small Kubernetes API server for `agones.dev/v1` GameServers over real HTTP, as far as
 * @kubernetes/client-node uses it: create (generateName), get, list and watch by label selector, delete.
 * Tests drive GameServer states (`setState`) and faults (`injectFailures`, `injectDelay`, `dropWatches`,
 * `compactHistory`), and read the request log.
 */
export class FakeKubernetes {
  readonly requests: RecordedK8sRequest[] = [];
  private readonly store = new Map<string, FakeGameServer>();
  private readonly history: HistoryEvent[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly failures: Array<{ op: FakeOp | '*'; status: number; count: number }> = [];
  private readonly delays = new Map<FakeOp | '*', number>();
  private readonly server: Server;
  private resourceVersion = 100;
  /** Watches starting at or before this resourceVersion get 410 Gone: their history is gone. */
  private compactedThrough = 0;
  private kubeconfigDir?: string;
  private port = 0;

  private constructor(private readonly historyLimit: number) {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch(() => res.destroy());
    });
  }

  static async start(opts: { historyLimit?: number } = {}): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes(opts.historyLimit ?? 1000);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Writes a kubeconfig pointing at this fake (plain HTTP needs insecure-skip-tls-verify) and returns its path. */
  writeKubeconfig(namespace = 'default', token = 'fake-token'): string {
    this.kubeconfigDir ??= mkdtempSync(join(tmpdir(), 'agis-kube-'));
    const file = join(this.kubeconfigDir, `config-${namespace}`);
    writeFileSync(file, kubeconfigYaml(this.url, namespace, token));
    return file;
  }

  /** Every stored GameServer (copies), optionally of one namespace. */
  gameServers(namespace?: string): FakeGameServer[] {
    return [...this.store.values()].filter((g) => !namespace || g.metadata.namespace === namespace).map((g) => structuredClone(g));
  }

  gameServer(name: string): FakeGameServer | undefined {
    const found = this.find(name);
    return found ? structuredClone(found) : undefined;
  }

  /** The GameServer agis created for one of its servers (by the agis.io/server-id label). */
  gameServerFor(serverId: string): FakeGameServer | undefined {
    const found = [...this.store.values()].find((g) => g.metadata.labels?.['agis.io/server-id'] === serverId);
    return found ? structuredClone(found) : undefined;
  }

  /** Plays the Agones controller: sets status.state (and address/port) and emits MODIFIED. */
  setState(name: string, state: string, placement: { address?: string; port?: number } = {}): FakeGameServer {
    const gs = this.find(name);
    if (!gs) {
      throw new Error(`FakeKubernetes: no GameServer named ${name}`);
    }
    gs.status.state = state;
    if (placement.address !== undefined) {
      gs.status.address = placement.address;
    }
    if (placement.port !== undefined) {
      gs.status.ports = [{ name: gs.spec?.ports?.[0]?.name ?? 'default', port: placement.port }];
    }
    this.record('MODIFIED', gs);
    return structuredClone(gs);
  }

  /** Removes a GameServer as if someone ran kubectl delete: a DELETED event, no request logged. */
  remove(name: string): void {
    const gs = this.find(name);
    if (gs) {
      this.store.delete(key(gs.metadata.namespace, name));
      this.record('DELETED', gs);
    }
  }

  /** The next `count` requests of `op` (or of any op with '*') answer `status` with a Status body. */
  injectFailures(opts: { op?: FakeOp | '*'; status?: number; count?: number }): void {
    this.failures.push({ op: opts.op ?? '*', status: opts.status ?? 500, count: opts.count ?? 1 });
  }

  /** Holds every response of `op` (default: all) for `ms` before answering; 0 removes the delay. */
  injectDelay(ms: number, op: FakeOp | '*' = '*'): void {
    if (ms > 0) {
      this.delays.set(op, ms);
    } else {
      this.delays.delete(op);
    }
  }

  /** Removes every injected failure and delay. */
  clearFaults(): void {
    this.failures.length = 0;
    this.delays.clear();
  }

  /** Cuts every open watch stream abruptly (socket destroyed), as a load balancer or API server restart would. */
  dropWatches(): number {
    const count = this.watches.size;
    for (const watch of [...this.watches]) {
      this.closeWatch(watch, true);
    }
    return count;
  }

  /** Forgets the event history, so a watch resuming from any older resourceVersion gets 410 Gone. */
  compactHistory(): void {
    this.history.length = 0;
    this.compactedThrough = this.resourceVersion;
  }

  /** Sends a BOOKMARK with the current resourceVersion to watches that asked for bookmarks. */
  sendBookmarks(): void {
    for (const watch of this.watches) {
      if (watch.bookmarks) {
        write(watch.res, { type: 'BOOKMARK', object: { kind: 'GameServer', apiVersion: 'agones.dev/v1', metadata: { resourceVersion: String(this.resourceVersion) } } });
      }
    }
  }

  get openWatches(): number {
    return this.watches.size;
  }

  requestsFor(op: FakeOp): RecordedK8sRequest[] {
    return this.requests.filter((r) => r.op === op);
  }

  async close(): Promise<void> {
    for (const watch of [...this.watches]) {
      this.closeWatch(watch, false);
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.kubeconfigDir) {
      rmSync(this.kubeconfigDir, { recursive: true, force: true });
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text; the create handler answers 400
    }
    const match = PATH.exec(url.pathname);
    const op = match ? opOf(req.method ?? 'GET', Boolean(match[2]), query.watch === 'true' || query.watch === '1') : null;
    const entry: RecordedK8sRequest = { method: req.method ?? 'GET', path: url.pathname, query, op, authorization: req.headers.authorization, body, status: 0 };
    this.requests.push(entry);

    const delay = (op && this.delays.get(op)) || this.delays.get('*');
    if (delay) {
      // A client that hangs up while the answer is pending is recorded at once (status -1), as a slow API
      // server would see the connection close; the answer is then never written.
      const hungUp = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { res.off('close', onClose); resolve(false); }, delay);
        const onClose = () => { clearTimeout(timer); resolve(true); };
        res.once('close', onClose);
      });
      if (hungUp || res.destroyed) {
        entry.status = -1;
        return;
      }
    }
    const failure = op ? this.failures.find((f) => (f.op === op || f.op === '*') && f.count > 0) : undefined;
    if (failure) {
      failure.count -= 1;
      return this.reply(res, entry, failure.status, statusBody(failure.status, `injected failure for ${op}`));
    }
    if (!match || !op) {
      return this.reply(res, entry, 404, statusBody(404, `the server could not find the requested resource (${url.pathname})`));
    }
    const [, namespace, name] = match;
    switch (op) {
      case 'create': return this.create(res, entry, namespace, body);
      case 'get': return this.get(res, entry, namespace, name);
      case 'list': return this.list(res, entry, namespace, query);
      case 'delete': return this.delete(res, entry, namespace, name);
      case 'watch': return this.watch(res, entry, namespace, query);
    }
  }

  private create(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, body: unknown): void {
    const input = body as Partial<FakeGameServer> | undefined;
    if (typeof input !== 'object' || input === null || input.kind !== 'GameServer' || input.apiVersion !== 'agones.dev/v1') {
      return this.reply(res, entry, 400, statusBody(400, 'the body is not an agones.dev/v1 GameServer'));
    }
    const meta = input.metadata ?? ({} as Partial<FakeGameServer['metadata']>);
    let name = meta.name;
    if (!name && meta.generateName) {
      do {
        name = meta.generateName + Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
      } while (this.store.has(key(namespace, name)));
    }
    if (!name) {
      return this.reply(res, entry, 422, statusBody(422, 'GameServer "" is invalid: metadata.name: Required value: name or generateName is required'));
    }
    if (this.store.has(key(namespace, name))) {
      return this.reply(res, entry, 409, statusBody(409, `gameservers.agones.dev "${name}" already exists`));
    }
    const gs: FakeGameServer = {
      ...structuredClone(input),
      apiVersion: 'agones.dev/v1',
      kind: 'GameServer',
      metadata: { ...structuredClone(meta), name, namespace, uid: randomUUID(), resourceVersion: '', creationTimestamp: new Date().toISOString() },
      status: { state: 'Creating' },
    } as FakeGameServer;
    this.store.set(key(namespace, name), gs);
    this.record('ADDED', gs);
    this.reply(res, entry, 201, gs);
  }

  private get(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, name: string): void {
    const gs = this.store.get(key(namespace, name));
    if (!gs) {
      return this.reply(res, entry, 404, statusBody(404, `gameservers.agones.dev "${name}" not found`));
    }
    this.reply(res, entry, 200, gs);
  }

  private list(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, query: Record<string, string>): void {
    const selector = parseSelector(query.labelSelector);
    if (!selector) {
      return this.reply(res, entry, 400, statusBody(400, `unable to parse requirement: ${query.labelSelector}`));
    }
    const items = [...this.store.values()].filter((g) => g.metadata.namespace === namespace && selector(g.metadata.labels ?? {}));
    this.reply(res, entry, 200, {
      apiVersion: 'agones.dev/v1', kind: 'GameServerList', metadata: { resourceVersion: String(this.resourceVersion) }, items,
    });
  }

  private delete(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, name: string): void {
    const gs = this.store.get(key(namespace, name));
    if (!gs) {
      return this.reply(res, entry, 404, statusBody(404, `gameservers.agones.dev "${name}" not found`));
    }
    this.store.delete(key(namespace, name));
    this.record('DELETED', gs);
    this.reply(res, entry, 200, gs);
  }

  private watch(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, query: Record<string, string>): void {
    const selector = parseSelector(query.labelSelector);
    if (!selector) {
      return this.reply(res, entry, 400, statusBody(400, `unable to parse requirement: ${query.labelSelector}`));
    }
    entry.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    const from = query.resourceVersion ? Number(query.resourceVersion) : 0;
    if (from > 0 && from < this.compactedThrough) {
      // What the API server does once etcd compacted past the requested version: an in-stream 410, then the end.
      write(res, { type: 'ERROR', object: statusBody(410, `too old resource version: ${from} (${this.compactedThrough})`) });
      res.end();
      return;
    }
    const watch: OpenWatch = { res, namespace, selector, bookmarks: query.allowWatchBookmarks === 'true' };
    if (from > 0) {
      for (const event of this.history) {
        if (event.rv > from) {
          this.send(watch, event);
        }
      }
    } else {
      // No resourceVersion: synthetic ADDED for everything that exists, then live changes.
      for (const gs of this.store.values()) {
        this.send(watch, { rv: Number(gs.metadata.resourceVersion), type: 'ADDED', object: gs });
      }
    }
    this.watches.add(watch);
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (timeoutSeconds > 0) {
      watch.timer = setTimeout(() => this.closeWatch(watch, false), timeoutSeconds * 1000);
    }
    // 'close' on the response (not the request) is what fires when a long-lived client goes away.
    res.on('close', () => {
      clearTimeout(watch.timer);
      this.watches.delete(watch);
    });
  }

  private record(type: EventType, gs: FakeGameServer): void {
    this.resourceVersion += 1;
    gs.metadata.resourceVersion = String(this.resourceVersion);
    const event: HistoryEvent = { rv: this.resourceVersion, type, object: structuredClone(gs) };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      this.compactedThrough = this.history.shift()!.rv;
    }
    for (const watch of this.watches) {
      this.send(watch, event);
    }
  }

  private send(watch: OpenWatch, event: HistoryEvent): void {
    if (event.object.metadata.namespace === watch.namespace && watch.selector(event.object.metadata.labels ?? {})) {
      write(watch.res, { type: event.type, object: event.object });
    }
  }

  private closeWatch(watch: OpenWatch, abrupt: boolean): void {
    clearTimeout(watch.timer);
    this.watches.delete(watch);
    if (abrupt) {
      watch.res.socket?.destroy();
      watch.res.destroy();
    } else {
      watch.res.end();
    }
  }

  private find(name: string): FakeGameServer | undefined {
    return [...this.store.values()].find((g) => g.metadata.name === name);
  }

  private reply(res: ServerResponse, entry: RecordedK8sRequest, status: number, body: unknown): void {
    entry.status = status;
    if (res.destroyed) {
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** A kubeconfig for a plain-HTTP API server; client-node refuses http:// without insecure-skip-tls-verify. */
export function kubeconfigYaml(server: string, namespace = 'default', token = 'fake-token'): string {
  return [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: fake', '  cluster:', `    server: ${server}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: agis', '  user:', `    token: ${token}`,
    'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: agis', `    namespace: ${namespace}`,
    'current-context: fake', '',
  ].join('\n');
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function opOf(method: string, named: boolean, watch: boolean): FakeOp | null {
  if (method === 'GET') {
    return named ? 'get' : watch ? 'watch' : 'list';
  }
  if (method === 'POST' && !named) {
    return 'create';
  }
  return method === 'DELETE' && named ? 'delete' : null;
}

function write(res: ServerResponse, line: unknown): void {
  if (!res.destroyed && !res.writableEnded) {
    res.write(`${JSON.stringify(line)}\n`);
  }
}

/** Equality-based selectors as the API server accepts them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-joined. */
export function parseSelector(text: string | undefined): Selector | null {
  const requirements: Selector[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?$/.exec(part);
    if (!m) {
      return null;
    }
    const [, not, label, operator, value] = m;
    if (not && operator) {
      return null;
    }
    if (!operator) {
      requirements.push((labels) => (label in labels) !== Boolean(not));
    } else if (operator === '!=') {
      requirements.push((labels) => labels[label] !== value);
    } else {
      requirements.push((labels) => labels[label] === value);
    }
  }
  return (labels) => requirements.every((r) => r(labels));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
