import {
  Server,
  ServerCredentials,
  type ServerReadableStream,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServerWritableStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
// The SDK's own generated service definition (from Agones' sdk.proto) and messages: the fake serves exactly the
// service the official Node SDK calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const services = require('@google-cloud/agones-sdk/lib/sdk_grpc_pb') as Record<string, ServiceDefinition>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const messages = require('@google-cloud/agones-sdk/lib/sdk_pb') as SdkMessages;

interface Message {
  serializeBinary(): Uint8Array;
}
interface KeyValueMessage extends Message {
  getKey(): string;
  getValue(): string;
}
interface SdkMessages {
  Empty: new () => Message;
  GameServer: new () => Message & {
    setObjectMeta(m: unknown): void;
    setStatus(s: unknown): void;
  };
}

export type FakeSdkState = 'Scheduled' | 'RequestReady' | 'Ready' | 'Allocated' | 'Reserved' | 'Unhealthy' | 'Shutdown';

/** The `health` block of a GameServer spec (agones.dev "GameServer Specification"; defaults 5 s, 3, 5 s). */
export interface FakeHealthSpec {
  disabled?: boolean;
  periodSeconds: number;
  failureThreshold: number;
  initialDelaySeconds: number;
}

export interface SdkEvent {
  at: number;
  call: 'Ready' | 'Health' | 'SetAnnotation' | 'SetLabel' | 'Allocate' | 'Shutdown' | 'Reserve' | 'state';
  detail?: string;
}

/** What the SDK server writes through to the GameServer; the KeyValue prefix Agones adds (sdkserver.go metadataPrefix). */
const METADATA_PREFIX = 'agones.dev/sdk-';
// Kubernetes validation of metadata keys (apimachinery IsQualifiedName): optional DNS-subdomain prefix, then a
// name of at most 63 characters, alphanumeric at both ends, with - _ . inside.
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
// Label values (apimachinery IsValidLabelValue): empty, or at most 63 characters, alphanumeric at both ends.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/**
 * A fake Agones SDK server (the sidecar Agones runs in every GameServer pod), serving the real gRPC service
 * `agones.dev.sdk.SDK` with @grpc/grpc-js. It keeps the rules of Agones' pkg/sdkserver/sdkserver.go:
 * - Ready() only requests readiness (state RequestReady); the controller then moves the GameServer to Ready.
 * - Nothing leaves Unhealthy through the SDK.
 * - Health is checked every `periodSeconds` after `initialDelaySeconds` (the pod's liveness probe on /gshealthz):
 *   a check with no ping within the last period counts a failure, a ping resets the count, and
 *   `failureThreshold` failures in a row make the GameServer Unhealthy.
 * - SetLabel/SetAnnotation store `agones.dev/sdk-<key>` on the GameServer through the Kubernetes API, which refuses
 *   keys that are not qualified names and label values that are not valid label values: such an update is lost
 *   (recorded in `rejectedUpdates`), the SDK call itself still answers OK.
 */
export class FakeAgonesSdk {
  readonly events: SdkEvent[] = [];
  readonly labels: Record<string, string> = {};
  readonly annotations: Record<string, string> = {};
  readonly rejectedUpdates: string[] = [];
  state: FakeSdkState = 'Scheduled';
  private readonly server = new Server();
  private lastHealth = Date.now();
  private healthFailures = 0;
  private healthTimer?: NodeJS.Timeout;
  private stateListeners: Array<(state: FakeSdkState) => void> = [];
  private metadataListeners: Array<(kind: 'label' | 'annotation', key: string, value: string) => void> = [];
  port = 0;

  constructor(private readonly health: FakeHealthSpec = { periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 5 }) {
    this.server.addService(services['agones.dev.sdk.SDK'], {
      ready: this.unary('Ready', () => this.requestState('RequestReady')),
      allocate: this.unary('Allocate', () => this.requestState('Allocated')),
      shutdown: this.unary('Shutdown', () => this.requestState('Shutdown')),
      reserve: this.unary('Reserve', () => this.requestState('Reserved')),
      setLabel: this.unary('SetLabel', (kv) => this.writeMetadata('label', kv as KeyValueMessage)),
      setAnnotation: this.unary('SetAnnotation', (kv) => this.writeMetadata('annotation', kv as KeyValueMessage)),
      health: (call: ServerReadableStream<Message, Message>, callback: sendUnaryData<Message>) => {
        call.on('data', () => {
          this.lastHealth = Date.now();
          this.healthFailures = 0;
          this.events.push({ at: Date.now(), call: 'Health' });
        });
        call.on('end', () => callback(null, new messages.Empty()));
        call.on('error', () => undefined);
      },
      getGameServer: (_call: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => callback(null, this.gameServer()),
      watchGameServer: (call: ServerWritableStream<Message, Message>) => {
        call.write(this.gameServer());
        const listener = () => call.write(this.gameServer());
        this.stateListeners.push(listener);
        call.on('cancelled', () => {
          this.stateListeners = this.stateListeners.filter((l) => l !== listener);
        });
      },
    });
  }

  /** Listens on loopback (the SDK dials localhost:AGONES_SDK_GRPC_PORT) and starts health checking. */
  async start(): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('localhost:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    if (!this.health.disabled) {
      const periodMs = this.health.periodSeconds * 1000;
      const begin = setTimeout(() => {
        this.healthTimer = setInterval(() => this.checkHealth(periodMs), periodMs);
      }, this.health.initialDelaySeconds * 1000);
      this.healthTimer = begin;
    }
    return this.port;
  }

  onStateChange(listener: (state: FakeSdkState) => void): void {
    this.stateListeners.push(listener);
  }

  /** Called with each label or annotation the SDK server writes through to the GameServer (prefixed key). */
  onMetadata(listener: (kind: 'label' | 'annotation', key: string, value: string) => void): void {
    this.metadataListeners.push(listener);
  }

  calls(call: SdkEvent['call']): SdkEvent[] {
    return this.events.filter((e) => e.call === call);
  }

  async close(): Promise<void> {
    clearTimeout(this.healthTimer);
    clearInterval(this.healthTimer);
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  private checkHealth(periodMs: number): void {
    if (Date.now() - this.lastHealth > periodMs) {
      this.healthFailures += 1;
    }
    if (this.healthFailures >= this.health.failureThreshold && this.state !== 'Unhealthy' && this.state !== 'Shutdown') {
      this.setState('Unhealthy');
    }
  }

  private requestState(state: FakeSdkState): void {
    if (this.state === 'Unhealthy') {
      return;
    }
    this.setState(state);
    if (state === 'RequestReady') {
      // The Agones controller turns RequestReady into Ready once the pod's address and ports are known.
      setImmediate(() => {
        if (this.state === 'RequestReady') {
          this.setState('Ready');
        }
      });
    }
  }

  private setState(state: FakeSdkState): void {
    this.state = state;
    this.events.push({ at: Date.now(), call: 'state', detail: state });
    for (const listener of [...this.stateListeners]) {
      listener(state);
    }
  }

  private writeMetadata(kind: 'label' | 'annotation', kv: KeyValueMessage): void {
    const key = `${METADATA_PREFIX}${kv.getKey()}`;
    const value = kv.getValue();
    if (!QUALIFIED_NAME.test(key) || (kind === 'label' && !LABEL_VALUE.test(value))) {
      this.rejectedUpdates.push(`${kind} ${key}=${value}`);
      return;
    }
    (kind === 'label' ? this.labels : this.annotations)[key] = value;
    for (const listener of this.metadataListeners) {
      listener(kind, key, value);
    }
  }

  private unary(call: SdkEvent['call'], apply: (request: Message) => void) {
    return (rpc: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => {
      this.events.push({
        at: Date.now(),
        call,
        detail: call === 'SetAnnotation' || call === 'SetLabel' ? (rpc.request as KeyValueMessage).getKey() : undefined,
      });
      apply(rpc.request);
      callback(null, new messages.Empty());
    };
  }

  private gameServer(): Message {
    const gs = new messages.GameServer();
    const pb = messages as unknown as {
      GameServer: {
        ObjectMeta: new () => { setName(n: string): void; getAnnotationsMap(): Map<string, string>; getLabelsMap(): Map<string, string> };
        Status: new () => { setState(s: string): void };
      };
    };
    const meta = new pb.GameServer.ObjectMeta();
    meta.setName('fake-gameserver');
    for (const [k, v] of Object.entries(this.annotations)) {
      meta.getAnnotationsMap().set(k, v);
    }
    for (const [k, v] of Object.entries(this.labels)) {
      meta.getLabelsMap().set(k, v);
    }
    const status = new pb.GameServer.Status();
    status.setState(this.state);
    gs.setObjectMeta(meta);
    gs.setStatus(status);
    return gs;
  }
}
