import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeAgonesSdk } from './fake-agones-sdk';
import { gameServerProblems, volumeClaimProblems } from './fake-kubernetes-rules';

export type FakeOp =
  'create' | 'get' | 'list' | 'delete' | 'watch' | 'pvc_create' | 'pvc_get' | 'pvc_list' | 'pvc_delete' | 'pod_get' | 'pod_list' | 'pod_log';

/** The RBAC rule each operation needs (resource, verb): what a Role must grant for the calls agis makes. */
export const OP_PERMISSIONS: Record<FakeOp, { apiGroup: string; resource: string; verb: string }> = {
  create: { apiGroup: 'agones.dev', resource: 'gameservers', verb: 'create' },
  get: { apiGroup: 'agones.dev', resource: 'gameservers', verb: 'get' },
  list: { apiGroup: 'agones.dev', resource: 'gameservers', verb: 'list' },
  delete: { apiGroup: 'agones.dev', resource: 'gameservers', verb: 'delete' },
  watch: { apiGroup: 'agones.dev', resource: 'gameservers', verb: 'watch' },
  pvc_create: { apiGroup: '', resource: 'persistentvolumeclaims', verb: 'create' },
  pvc_get: { apiGroup: '', resource: 'persistentvolumeclaims', verb: 'get' },
  pvc_list: { apiGroup: '', resource: 'persistentvolumeclaims', verb: 'list' },
  pvc_delete: { apiGroup: '', resource: 'persistentvolumeclaims', verb: 'delete' },
  pod_get: { apiGroup: '', resource: 'pods', verb: 'get' },
  pod_list: { apiGroup: '', resource: 'pods', verb: 'list' },
  pod_log: { apiGroup: '', resource: 'pods/log', verb: 'get' },
};

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
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generateName?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: { ports?: Array<{ name?: string }>; [key: string]: unknown };
  status: { state: string; address?: string; ports?: Array<{ name: string; port: number }>; [key: string]: unknown };
}

/** A PersistentVolumeClaim as the fake stores it. */
export interface FakeVolumeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string; finalizers?: string[] };
  spec: Record<string, unknown>;
  status: { phase: 'Bound' | 'Pending' };
}

/** A Pod as the Agones controller creates it for a GameServer (same name and namespace). */
export interface FakePod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; uid: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    containers: Array<{ name: string; [key: string]: unknown }>;
    volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
  };
  status: {
    phase: string;
    conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses: Array<{
      name: string;
      ready: boolean;
      restartCount: number;
      state: Record<string, unknown>;
      lastState: Record<string, unknown>;
    }>;
  };
}

// Agones puts its SDK server first in every GameServer pod (GameServer.Pod(sidecars...) in gameserver.go).
const AGONES_SDK_CONTAINER = 'agones-gameserver-sidecar';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
interface HistoryEvent {
  rv: number;
  type: EventType;
  object: FakeGameServer;
}
interface OpenWatch {
  res: ServerResponse;
  namespace: string;
  selector: Selector;
  bookmarks: boolean;
  timer?: NodeJS.Timeout;
}
type Selector = (labels: Record<string, string>) => boolean;

const PATH = /^\/apis\/agones\.dev\/v1\/namespaces\/([a-z0-9-]+)\/gameservers(?:\/([^/]+))?\/?$/;
const CORE_PATH = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/(persistentvolumeclaims|pods)(?:\/([^/]+))?(\/log)?\/?$/;
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'AlreadyExists',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
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
  private readonly claims = new Map<string, FakeVolumeClaim>();
  private readonly pods = new Map<string, FakePod>();
  private readonly podLogs = new Map<string, Map<string, string[]>>();
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
      // Agones gives every port of the spec a host port; consecutive ones from the first here.
      const ports = gs.spec?.ports?.length ? gs.spec.ports : [{ name: 'default' }];
      gs.status.ports = ports.map((p, i) => ({ name: p.name ?? 'default', port: placement.port! + i }));
    }
    this.record('MODIFIED', gs);
    return structuredClone(gs);
  }

  /** Removes a GameServer as if someone ran kubectl delete: a DELETED event, no request logged. */
  remove(name: string): void {
    const gs = this.find(name);
    if (gs) {
      this.store.delete(key(gs.metadata.namespace, name));
      this.removePod(gs.metadata.namespace, name);
      this.record('DELETED', gs);
    }
  }

  /**
   * Plugs a fake Agones SDK server in as the SDK sidecar of a GameServer's pod, the way Agones' sdkserver.go
   * writes through to the API: its state changes become the GameServer's (Ready with the node address and a host
   * port per port), SetAnnotation/SetLabel land as `agones.dev/sdk-` metadata, each a MODIFIED event.
   */
  attachSdk(name: string, sdk: FakeAgonesSdk, placement: { address: string; port: number }): void {
    sdk.onStateChange((state) => {
      if (this.find(name)) {
        this.setState(name, state, state === 'Ready' ? placement : {});
      }
    });
    sdk.onMetadata((kind, metadataKey, value) => {
      const gs = this.find(name);
      if (gs) {
        const field = kind === 'label' ? 'labels' : 'annotations';
        gs.metadata[field] = { ...(gs.metadata[field] as Record<string, string> | undefined), [metadataKey]: value };
        this.record('MODIFIED', gs);
      }
    });
  }

  /** Every stored PersistentVolumeClaim (copies). */
  volumeClaims(namespace?: string): FakeVolumeClaim[] {
    return [...this.claims.values()].filter((c) => !namespace || c.metadata.namespace === namespace).map((c) => structuredClone(c));
  }

  pod(name: string): FakePod | undefined {
    const found = this.findPod(name);
    return found ? structuredClone(found) : undefined;
  }

  /** Plays kubelet and the scheduler: replaces parts of a pod's status (conditions, container states). */
  setPodStatus(name: string, status: Partial<FakePod['status']>): void {
    const pod = this.findPod(name);
    if (!pod) {
      throw new Error(`FakeKubernetes: no pod named ${name}`);
    }
    Object.assign(pod.status, structuredClone(status));
  }

  /** Lines a container of a pod wrote to stdout. */
  appendLog(name: string, container: string, lines: string[]): void {
    const pod = this.findPod(name);
    if (!pod) {
      throw new Error(`FakeKubernetes: no pod named ${name}`);
    }
    const logs = this.podLogs.get(key(pod.metadata.namespace, name)) ?? new Map<string, string[]>();
    logs.set(container, [...(logs.get(container) ?? []), ...lines]);
    this.podLogs.set(key(pod.metadata.namespace, name), logs);
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
        write(watch.res, {
          type: 'BOOKMARK',
          object: { kind: 'GameServer', apiVersion: 'agones.dev/v1', metadata: { resourceVersion: String(this.resourceVersion) } },
        });
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
    const core = CORE_PATH.exec(url.pathname);
    const op = match
      ? opOf(req.method ?? 'GET', Boolean(match[2]), query.watch === 'true' || query.watch === '1')
      : core
        ? coreOpOf(req.method ?? 'GET', core[2], Boolean(core[3]), Boolean(core[4]))
        : null;
    const entry: RecordedK8sRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      op,
      authorization: req.headers.authorization,
      body,
      status: 0,
    };
    this.requests.push(entry);

    const delay = (op && this.delays.get(op)) || this.delays.get('*');
    if (delay) {
      // A client that hangs up while the answer is pending is recorded at once (status -1), as a slow API
      // server would see the connection close; the answer is then never written.
      const hungUp = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          res.off('close', onClose);
          resolve(false);
        }, delay);
        const onClose = () => {
          clearTimeout(timer);
          resolve(true);
        };
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
    if (core && op) {
      return this.serveCore(res, entry, op, core[1], core[3], query, body);
    }
    if (!match || !op) {
      return this.reply(res, entry, 404, statusBody(404, `the server could not find the requested resource (${url.pathname})`));
    }
    const [, namespace, name] = match;
    switch (op) {
      case 'create':
        return this.create(res, entry, namespace, body);
      case 'get':
        return this.get(res, entry, namespace, name);
      case 'list':
        return this.list(res, entry, namespace, query);
      case 'delete':
        return this.delete(res, entry, namespace, name);
      case 'watch':
        return this.watch(res, entry, namespace, query);
      default:
        return this.reply(res, entry, 404, statusBody(404, `the server could not find the requested resource (${url.pathname})`));
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
      return this.reply(
        res,
        entry,
        422,
        statusBody(422, 'GameServer "" is invalid: metadata.name: Required value: name or generateName is required'),
      );
    }
    if (this.store.has(key(namespace, name))) {
      return this.reply(res, entry, 409, statusBody(409, `gameservers.agones.dev "${name}" already exists`));
    }
    const problems = gameServerProblems(input);
    if (problems.length) {
      // Agones' validating webhook denies the request with every cause (pkg/webhooks, gameserver Validate).
      return this.reply(
        res,
        entry,
        422,
        statusBody(422, `admission webhook "validations.agones.dev" denied the request: GameServer ${name} is invalid: ${problems.join('; ')}`),
      );
    }
    const gs: FakeGameServer = {
      ...structuredClone(input),
      apiVersion: 'agones.dev/v1',
      kind: 'GameServer',
      metadata: { ...structuredClone(meta), name, namespace, uid: randomUUID(), resourceVersion: '', creationTimestamp: new Date().toISOString() },
      status: { state: 'Creating' },
    };
    this.store.set(key(namespace, name), gs);
    this.record('ADDED', gs);
    this.createPod(gs);
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
      apiVersion: 'agones.dev/v1',
      kind: 'GameServerList',
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    });
  }

  private delete(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, name: string): void {
    const gs = this.store.get(key(namespace, name));
    if (!gs) {
      return this.reply(res, entry, 404, statusBody(404, `gameservers.agones.dev "${name}" not found`));
    }
    this.store.delete(key(namespace, name));
    this.removePod(namespace, name);
    this.record('DELETED', gs);
    this.reply(res, entry, 200, gs);
  }

  /** What the Agones controller does for a new GameServer: a pod of the same name, its SDK server first. */
  private createPod(gs: FakeGameServer): void {
    const spec = (gs.spec ?? {}) as { container?: string; template?: { metadata?: { labels?: Record<string, string> }; spec?: FakePod['spec'] } };
    const podSpec = structuredClone(spec.template?.spec ?? { containers: [] });
    const containers = [{ name: AGONES_SDK_CONTAINER, image: 'us-docker.pkg.dev/agones-images/release/agones-sdk' }, ...podSpec.containers];
    const missing = (podSpec.volumes ?? [])
      .map((v) => v.persistentVolumeClaim?.claimName)
      .find((claim) => claim !== undefined && !this.claims.has(key(gs.metadata.namespace, claim)));
    const running = { running: { startedAt: new Date().toISOString() } };
    const pod: FakePod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: gs.metadata.name,
        namespace: gs.metadata.namespace,
        uid: randomUUID(),
        labels: { ...(spec.template?.metadata?.labels ?? {}), 'agones.dev/role': 'gameserver', 'agones.dev/gameserver': gs.metadata.name },
        annotations: { 'agones.dev/container': spec.container ?? '' },
      },
      spec: { ...podSpec, containers },
      // The scheduler cannot place a pod whose claim does not exist (kube-scheduler VolumeBinding plugin).
      status: missing
        ? {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: `0/3 nodes are available: persistentvolumeclaim "${missing}" not found.`,
              },
            ],
            containerStatuses: [],
          }
        : {
            phase: 'Running',
            conditions: [{ type: 'PodScheduled', status: 'True' }],
            containerStatuses: containers.map((c) => ({ name: c.name, ready: true, restartCount: 0, state: running, lastState: {} })),
          },
    };
    this.pods.set(key(pod.metadata.namespace, pod.metadata.name), pod);
  }

  /** The pod goes with its GameServer; claims it held that were deleted meanwhile are released (pvc-protection). */
  private removePod(namespace: string, name: string): void {
    this.pods.delete(key(namespace, name));
    this.podLogs.delete(key(namespace, name));
    for (const [claimKey, claim] of this.claims) {
      if (claim.metadata.deletionTimestamp && !this.claimInUse(claim)) {
        this.claims.delete(claimKey);
      }
    }
  }

  private claimInUse(claim: FakeVolumeClaim): boolean {
    return [...this.pods.values()].some(
      (p) =>
        p.metadata.namespace === claim.metadata.namespace &&
        (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name),
    );
  }

  private serveCore(
    res: ServerResponse,
    entry: RecordedK8sRequest,
    op: FakeOp,
    namespace: string,
    name: string | undefined,
    query: Record<string, string>,
    body: unknown,
  ): void {
    switch (op) {
      case 'pvc_create':
        return this.createClaim(res, entry, namespace, body);
      case 'pvc_get': {
        const claim = this.claims.get(key(namespace, name ?? ''));
        return claim
          ? this.reply(res, entry, 200, claim)
          : this.reply(res, entry, 404, statusBody(404, `persistentvolumeclaims "${name}" not found`));
      }
      case 'pvc_list': {
        const selector = parseSelector(query.labelSelector);
        if (!selector) {
          return this.reply(res, entry, 400, statusBody(400, `unable to parse requirement: ${query.labelSelector}`));
        }
        const items = [...this.claims.values()].filter((c) => c.metadata.namespace === namespace && selector(c.metadata.labels ?? {}));
        return this.reply(res, entry, 200, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaimList',
          metadata: { resourceVersion: String(this.resourceVersion) },
          items,
        });
      }
      case 'pvc_delete':
        return this.deleteClaim(res, entry, namespace, name ?? '');
      case 'pod_get': {
        const pod = this.pods.get(key(namespace, name ?? ''));
        return pod ? this.reply(res, entry, 200, pod) : this.reply(res, entry, 404, statusBody(404, `pods "${name}" not found`));
      }
      case 'pod_list': {
        const selector = parseSelector(query.labelSelector) ?? (() => true);
        const items = [...this.pods.values()].filter((p) => p.metadata.namespace === namespace && selector(p.metadata.labels));
        return this.reply(res, entry, 200, { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.resourceVersion) }, items });
      }
      case 'pod_log':
        return this.podLog(res, entry, namespace, name ?? '', query);
      default:
        return this.reply(res, entry, 405, statusBody(405, 'the server does not allow this method on the requested resource'));
    }
  }

  private createClaim(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, body: unknown): void {
    const input = body as Partial<FakeVolumeClaim> | undefined;
    if (typeof input !== 'object' || input === null || input.kind !== 'PersistentVolumeClaim' || input.apiVersion !== 'v1') {
      return this.reply(res, entry, 400, statusBody(400, 'the body is not a v1 PersistentVolumeClaim'));
    }
    const name = input.metadata?.name ?? '';
    const problems = volumeClaimProblems(input);
    if (problems.length) {
      return this.reply(res, entry, 422, statusBody(422, `PersistentVolumeClaim "${name}" is invalid: ${problems.join(', ')}`));
    }
    if (this.claims.has(key(namespace, name))) {
      return this.reply(res, entry, 409, statusBody(409, `persistentvolumeclaims "${name}" already exists`));
    }
    const claim: FakeVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...structuredClone(input.metadata ?? { name }), name, namespace, uid: randomUUID() },
      spec: structuredClone(input.spec ?? {}),
      status: { phase: 'Bound' },
    };
    this.claims.set(key(namespace, name), claim);
    this.reply(res, entry, 201, claim);
  }

  /**
   * A claim a pod still mounts is not removed: the pvc-protection finalizer keeps it Terminating until the pod is
   * gone (Kubernetes "Persistent Volumes", Storage Object in Use Protection).
   */
  private deleteClaim(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, name: string): void {
    const claim = this.claims.get(key(namespace, name));
    if (!claim) {
      return this.reply(res, entry, 404, statusBody(404, `persistentvolumeclaims "${name}" not found`));
    }
    if (this.claimInUse(claim)) {
      claim.metadata.deletionTimestamp ??= new Date().toISOString();
      claim.metadata.finalizers = ['kubernetes.io/pvc-protection'];
      return this.reply(res, entry, 200, claim);
    }
    this.claims.delete(key(namespace, name));
    this.reply(res, entry, 200, claim);
  }

  /** GET pods/{name}/log as the API server answers it (plain text), with its refusals for a multi-container pod. */
  private podLog(res: ServerResponse, entry: RecordedK8sRequest, namespace: string, name: string, query: Record<string, string>): void {
    const pod = this.pods.get(key(namespace, name));
    if (!pod) {
      return this.reply(res, entry, 404, statusBody(404, `pods "${name}" not found`));
    }
    const names = pod.spec.containers.map((c) => c.name);
    const container = query.container;
    if (!container && names.length > 1) {
      return this.reply(res, entry, 400, statusBody(400, `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`));
    }
    const chosen = container ?? names[0];
    if (!names.includes(chosen)) {
      return this.reply(res, entry, 400, statusBody(400, `container ${chosen} is not valid for pod ${name}`));
    }
    const status = pod.status.containerStatuses.find((c) => c.name === chosen);
    if (!status || 'waiting' in status.state) {
      const reason = (status?.state.waiting as { reason?: string } | undefined)?.reason ?? 'ContainerCreating';
      return this.reply(res, entry, 400, statusBody(400, `container "${chosen}" in pod "${name}" is waiting to start: ${reason}`));
    }
    let lines = this.podLogs.get(key(namespace, name))?.get(chosen) ?? [];
    if (query.tailLines !== undefined) {
      lines = Number(query.tailLines) > 0 ? lines.slice(-Number(query.tailLines)) : [];
    }
    let text = lines.map((l) => `${l}\n`).join('');
    if (query.limitBytes !== undefined) {
      text = Buffer.from(text).subarray(0, Number(query.limitBytes)).toString('utf8');
    }
    entry.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
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

  private findPod(name: string): FakePod | undefined {
    return [...this.pods.values()].find((p) => p.metadata.name === name);
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
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: agis',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: fake',
    '  context:',
    '    cluster: fake',
    '    user: agis',
    `    namespace: ${namespace}`,
    'current-context: fake',
    '',
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

function coreOpOf(method: string, resource: string, named: boolean, log: boolean): FakeOp | null {
  if (resource === 'pods') {
    return method !== 'GET' ? null : log ? (named ? 'pod_log' : null) : named ? 'pod_get' : 'pod_list';
  }
  if (log) {
    return null;
  }
  if (method === 'GET') {
    return named ? 'pvc_get' : 'pvc_list';
  }
  if (method === 'POST' && !named) {
    return 'pvc_create';
  }
  return method === 'DELETE' && named ? 'pvc_delete' : null;
}

function write(res: ServerResponse, line: unknown): void {
  if (!res.destroyed && !res.writableEnded) {
    res.write(`${JSON.stringify(line)}\n`);
  }
}

/** Equality-based selectors as the API server accepts them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-joined. */
export function parseSelector(text: string | undefined): Selector | null {
  const requirements: Selector[] = [];
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?$/.exec(part);
    if (!m) {
      return null;
    }
    const [, not, label, operator, value] = m;
    if (not && operator) {
      return null;
    }
    if (!operator) {
      requirements.push((labels) => label in labels !== Boolean(not));
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
