import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { AgonesClient, GameServerEvent, GameServerInfo, GameServerSpec, GameServerState, WorldVolumeSpec } from './agones.client';
import { AgonesMetrics } from './agones.metrics';
import { generateName, namePrefix } from './game-server-manifest';
import { isUuid } from '../common/values/uuid';

// The path a healthy GameServer takes in Agones once its pod is scheduled and the SDK reports Ready.
const PROGRESSION: GameServerState[] = ['Creating', 'Scheduled', 'RequestReady', 'Ready'];
const LOCAL_ADDRESS = '127.0.0.1';
const PORT_MIN = 7000;
const PORT_MAX = 8000;
const LOG_LINES_KEPT = 500;

interface SimulatedGameServer {
  info: GameServerInfo;
  hostPorts: number[];
  spec: GameServerSpec;
  log: string[];
  timer?: NodeJS.Timeout;
}

type Listener = (event: GameServerEvent) => void;

/**
 * In-memory Agones for running agis without a cluster: GameServers walk Creating → Scheduled →
 * RequestReady → Ready, one step every LOCAL_AGONES_STEP_MS, and get 127.0.0.1 with a port in 7000–8000 for
 * each of their ports. A server's world volume is a folder under `$DATA_DIR/worlds/<serverId>` with the same
 * lifetime as a PersistentVolumeClaim on a cluster (kept across stop and restart, deleted with the server);
 * the simulated game writes a log and reports players 0 / 20.
 */
@Injectable()
export class LocalAgones extends AgonesClient implements OnModuleDestroy {
  private readonly logger = new Logger(LocalAgones.name);
  private readonly servers = new Map<string, SimulatedGameServer>();
  private readonly listeners = new Set<Listener>();
  private readonly stepMs: number;
  private readonly worldsDir: string;
  private version = 0;

  constructor(
    config: AppConfig,
    private readonly metrics: AgonesMetrics,
  ) {
    super();
    this.stepMs = config.LOCAL_AGONES_STEP_MS;
    this.worldsDir = join(config.DATA_DIR, 'worlds');
  }

  /** The folder that stands in for a server's PersistentVolumeClaim. */
  worldPath(serverId: string): string {
    if (!isUuid(serverId)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A world volume belongs to a server id');
    }
    return join(this.worldsDir, serverId.toLowerCase());
  }

  async create(spec: GameServerSpec): Promise<GameServerInfo> {
    let name = generateName(namePrefix(spec.gameType));
    while (this.servers.has(name)) {
      name = generateName(namePrefix(spec.gameType));
    }
    const hostPorts: number[] = [];
    for (const _ of spec.ports) {
      hostPorts.push(this.allocatePort(hostPorts));
    }
    const sim: SimulatedGameServer = {
      hostPorts,
      spec,
      log: [],
      info: {
        name,
        serverId: spec.serverId,
        ownerId: spec.ownerId,
        state: PROGRESSION[0],
        address: null,
        port: null,
        ports: [],
        players: null,
        resourceVersion: this.nextVersion(),
      },
    };
    this.write(sim, `Pulling ${spec.image}; world volume mounted at ${spec.dataPath} (${this.worldPath(spec.serverId)})`);
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

  async ensureVolume(spec: WorldVolumeSpec): Promise<void> {
    await mkdir(this.worldPath(spec.serverId), { recursive: true });
    this.metrics.record('volume_create', 'success');
  }

  async deleteVolume(serverId: string): Promise<void> {
    await rm(this.worldPath(serverId), { recursive: true, force: true });
    this.metrics.record('volume_delete', 'success');
  }

  async listVolumes(): Promise<string[]> {
    const names = await readdir(this.worldsDir).catch(() => [] as string[]);
    this.metrics.record('volume_list', 'success');
    return names.filter((n) => isUuid(n));
  }

  async logs(name: string, tail: number): Promise<string[]> {
    const sim = this.servers.get(name);
    this.metrics.record('logs', sim ? 'success' : 'not_found');
    return sim ? sim.log.slice(-tail) : [];
  }

  async diagnose(name: string): Promise<string | null> {
    const sim = this.servers.get(name);
    this.metrics.record('diagnose', sim ? 'success' : 'not_found');
    return sim ? null : 'The GameServer no longer exists';
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
      // Agones reports the node address and host ports once the pod is scheduled, i.e. from the first step on.
      const ports = sim.spec.ports.map((p, i) => ({ name: p.name, port: sim.hostPorts[i] }));
      const players = next === 'Ready' ? { online: 0, max: 20 } : null;
      sim.info = {
        ...sim.info,
        state: next,
        address: LOCAL_ADDRESS,
        port: ports[0]?.port ?? null,
        ports,
        players,
        resourceVersion: this.nextVersion(),
      };
      this.write(
        sim,
        next === 'Ready'
          ? `Listening on ${ports.map((p) => `${LOCAL_ADDRESS}:${p.port} (${p.name})`).join(', ')}: ready for players`
          : `GameServer ${next}`,
      );
      this.emit('MODIFIED', sim.info);
      this.scheduleNextStep(sim);
    }, this.stepMs);
    sim.timer.unref();
  }

  private write(sim: SimulatedGameServer, line: string): void {
    sim.log.push(`${new Date().toISOString()} [${sim.spec.gameType}] ${line}`);
    if (sim.log.length > LOG_LINES_KEPT) {
      sim.log.shift();
    }
  }

  private allocatePort(taken: number[] = []): number {
    const used = new Set([...this.servers.values()].flatMap((s) => s.hostPorts).concat(taken));
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
