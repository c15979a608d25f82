import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { AgonesClient, GameServerEvent, GameServerInfo, GameServerSpec, GameServerState } from './agones.client';
import { AgonesMetrics } from './agones-metrics.service';
import { generateName, namePrefix } from './game-server-manifest';

// The path a healthy GameServer takes in Agones once its pod is scheduled and the SDK reports Ready.
const PROGRESSION: GameServerState[] = ['Creating', 'Scheduled', 'RequestReady', 'Ready'];
const LOCAL_ADDRESS = '127.0.0.1';
const PORT_MIN = 7000;
const PORT_MAX = 8000;

interface SimulatedGameServer {
  info: GameServerInfo;
  hostPort: number;
  timer?: NodeJS.Timeout;
}

type Listener = (event: GameServerEvent) => void;

/**
 * In-memory Agones for running agis without a cluster: GameServers walk Creating → Scheduled →
 * RequestReady → Ready, one step every LOCAL_AGONES_STEP_MS, and get 127.0.0.1 with a port in 7000–8000.
 */
@Injectable()
export class LocalAgones extends AgonesClient implements OnModuleDestroy {
  private readonly logger = new Logger(LocalAgones.name);
  private readonly servers = new Map<string, SimulatedGameServer>();
  private readonly listeners = new Set<Listener>();
  private readonly stepMs: number;
  private version = 0;

  constructor(config: AppConfig, private readonly metrics: AgonesMetrics) {
    super();
    this.stepMs = config.LOCAL_AGONES_STEP_MS;
  }

  async create(spec: GameServerSpec): Promise<GameServerInfo> {
    let name = generateName(namePrefix(spec.gameType));
    while (this.servers.has(name)) {
      name = generateName(namePrefix(spec.gameType));
    }
    const hostPort = this.allocatePort();
    const sim: SimulatedGameServer = {
      hostPort,
      info: {
        name, serverId: spec.serverId, ownerId: spec.ownerId, state: PROGRESSION[0], address: null, port: null,
        resourceVersion: this.nextVersion(),
      },
    };
    this.servers.set(name, sim);
    this.emit('ADDED', sim.info);
    this.scheduleNextStep(sim);
    this.metrics.record('create', 'success');
    return { ...sim.info };
  }

  async get(name: string): Promise<GameServerInfo | null> {
    const sim = this.servers.get(name);
    this.metrics.record('get', sim ? 'success' : 'not_found');
    return sim ? { ...sim.info } : null;
  }

  async list(): Promise<GameServerInfo[]> {
    this.metrics.record('list', 'success');
    return [...this.servers.values()].map((s) => ({ ...s.info }));
  }

  async delete(name: string): Promise<void> {
    const sim = this.servers.get(name);
    if (!sim) {
      this.metrics.record('delete', 'not_found');
      return;
    }
    clearTimeout(sim.timer);
    this.servers.delete(name);
    this.emit('DELETED', { ...sim.info, state: 'Shutdown', resourceVersion: this.nextVersion() });
    this.metrics.record('delete', 'success');
  }

  watch(onEvent: (event: GameServerEvent) => void): () => void {
    const listener: Listener = (event) => onEvent(event);
    this.listeners.add(listener);
    this.metrics.record('watch', 'success');
    const existing = [...this.servers.values()].map((s) => ({ ...s.info }));
    setImmediate(() => {
      if (this.listeners.has(listener)) {
        existing.forEach((gameServer) => this.deliver(listener, { type: 'ADDED', gameServer }));
      }
    });
    return () => {
      this.listeners.delete(listener);
    };
  }

  onModuleDestroy(): void {
    for (const sim of this.servers.values()) {
      clearTimeout(sim.timer);
    }
    this.listeners.clear();
  }

  private scheduleNextStep(sim: SimulatedGameServer): void {
    const next = PROGRESSION[PROGRESSION.indexOf(sim.info.state ?? 'Creating') + 1];
    if (!next) {
      return;
    }
    sim.timer = setTimeout(() => {
      if (this.servers.get(sim.info.name) !== sim) {
        return;
      }
      // Agones reports the node address and host port once the pod is scheduled, i.e. from the first step on.
      sim.info = { ...sim.info, state: next, address: LOCAL_ADDRESS, port: sim.hostPort, resourceVersion: this.nextVersion() };
      this.emit('MODIFIED', sim.info);
      this.scheduleNextStep(sim);
    }, this.stepMs);
    sim.timer.unref();
  }

  private allocatePort(): number {
    const used = new Set([...this.servers.values()].map((s) => s.hostPort));
    const free: number[] = [];
    for (let port = PORT_MIN; port <= PORT_MAX; port++) {
      if (!used.has(port)) {
        free.push(port);
      }
    }
    if (free.length === 0) {
      this.metrics.record('create', 'error');
      throw new DomainError(ErrorCode.UPSTREAM_FAILED, `Local Agones has no free port left in ${PORT_MIN}-${PORT_MAX}`);
    }
    return free[randomInt(free.length)];
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  private emit(type: GameServerEvent['type'], info: GameServerInfo): void {
    const event: GameServerEvent = { type, gameServer: { ...info } };
    setImmediate(() => this.listeners.forEach((listener) => this.deliver(listener, event)));
  }

  private deliver(listener: Listener, event: GameServerEvent): void {
    try {
      listener(event);
    } catch (err) {
      this.logger.error(`A GameServer watch listener failed on ${event.type} ${event.gameServer.name}: ${(err as Error).message}`);
    }
  }
}
