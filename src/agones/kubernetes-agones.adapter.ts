import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as k8s from '@kubernetes/client-node';
import { AppConfig } from '../config/app-config';
import { AgonesClient, GameServerEvent, GameServerInfo, GameServerSpec, LABEL_SERVER_ID, WorldVolumeSpec } from './agones.client';
import { AgonesMetrics, AgonesOp } from './agones.metrics';
import { GameServerListResource, GameServerResource } from './agones.types';
import {
  buildGameServerManifest,
  buildVolumeClaim,
  GAME_CONTAINER,
  MANAGED_SELECTOR,
  ManifestOptions,
  toGameServerInfo,
  volumeName,
} from './game-server-manifest';
import { diagnosePod } from './pod-diagnosis';
import { GameServerWatch } from './game-server-watch';
import { statusOf, toUpstreamError } from './kubernetes-errors';

const GROUP = 'agones.dev';
const VERSION = 'v1';
const PLURAL = 'gameservers';

/** Reads KUBECONFIG when set, else the pod's service account; fails at boot when neither can work. */
export function loadKubeConfig(config: AppConfig): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (config.KUBECONFIG) {
    try {
      kc.loadFromFile(config.KUBECONFIG);
    } catch (err) {
      throw new Error(`KUBECONFIG=${config.KUBECONFIG} could not be loaded: ${(err as Error).message}`, { cause: err });
    }
  } else {
    kc.loadFromCluster();
  }
  const server = kc.getCurrentCluster()?.server ?? '';
  if (!URL.canParse(server) || new URL(server).hostname === 'undefined') {
    throw new Error('AGONES_MODE=kubernetes needs KUBECONFIG or an in-cluster service account (KUBERNETES_SERVICE_HOST is not set)');
  }
  return kc;
}

/** AgonesClient over the Kubernetes API: agones.dev/v1 GameServers in AGONES_NAMESPACE. */
@Injectable()
export class KubernetesAgones extends AgonesClient implements OnModuleDestroy {
  private readonly logger = new Logger(KubernetesAgones.name);
  private readonly api: k8s.CustomObjectsApi;
  private readonly core: k8s.CoreV1Api;
  private readonly transport: k8s.Watch;
  private readonly manifest: ManifestOptions;
  private readonly storageClass: string | undefined;
  private readonly target: { group: string; version: string; namespace: string; plural: string };
  private readonly timeoutMs: number;
  private readonly watches = new Set<GameServerWatch>();

  constructor(
    config: AppConfig,
    private readonly metrics: AgonesMetrics,
    kc: k8s.KubeConfig = loadKubeConfig(config),
  ) {
    super();
    this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.transport = new k8s.Watch(kc);
    this.manifest = { sidecarImage: config.AGONES_SIDECAR_IMAGE };
    this.storageClass = config.AGONES_STORAGE_CLASS;
    this.target = { group: GROUP, version: VERSION, namespace: config.AGONES_NAMESPACE, plural: PLURAL };
    this.timeoutMs = config.AGONES_TIMEOUT_MS;
  }

  create(spec: GameServerSpec): Promise<GameServerInfo> {
    return this.call('create', `create a GameServer for server ${spec.serverId}`, async (options) => {
      const created = (await this.api.createNamespacedCustomObject(
        { ...this.target, body: buildGameServerManifest(spec, this.manifest) },
        options,
      )) as GameServerResource;
      return toGameServerInfo(created);
    });
  }

  get(name: string): Promise<GameServerInfo | null> {
    return this.call(
      'get',
      `read GameServer ${name}`,
      async (options) => {
        const found = (await this.api.getNamespacedCustomObject({ ...this.target, name }, options)) as GameServerResource;
        return toGameServerInfo(found);
      },
      () => null,
    );
  }

  async list(): Promise<GameServerInfo[]> {
    return (await this.listWithVersion()).items;
  }

  delete(name: string): Promise<void> {
    // A GameServer that is already gone is exactly what delete wants.
    return this.call(
      'delete',
      `delete GameServer ${name}`,
      async (options) => {
        await this.api.deleteNamespacedCustomObject({ ...this.target, name }, options);
      },
      () => undefined,
    );
  }

  watch(onEvent: (event: GameServerEvent) => void): () => void {
    const watch = new GameServerWatch({
      transport: this.transport,
      path: `/apis/${GROUP}/${VERSION}/namespaces/${this.target.namespace}/${PLURAL}`,
      labelSelector: MANAGED_SELECTOR,
      connectTimeoutMs: this.timeoutMs,
      list: () => this.listWithVersion(),
      onEvent,
      metrics: this.metrics,
      logger: this.logger,
    });
    this.watches.add(watch);
    watch.start();
    return () => {
      watch.stop();
      this.watches.delete(watch);
    };
  }

  async ensureVolume(spec: WorldVolumeSpec): Promise<void> {
    const namespace = this.target.namespace;
    await this.call('volume_create', `create the world volume of server ${spec.serverId}`, async (options) => {
      try {
        await this.core.createNamespacedPersistentVolumeClaim({ namespace, body: buildVolumeClaim(spec, this.storageClass) }, options);
      } catch (err) {
        // 409 AlreadyExists: the server's world is there from an earlier start, which is the point.
        if (statusOf(err) !== 409) {
          throw err;
        }
      }
    });
  }

  deleteVolume(serverId: string): Promise<void> {
    const namespace = this.target.namespace;
    return this.call(
      'volume_delete',
      `delete the world volume of server ${serverId}`,
      async (options) => {
        await this.core.deleteNamespacedPersistentVolumeClaim({ name: volumeName(serverId), namespace }, options);
      },
      () => undefined,
    );
  }

  listVolumes(): Promise<string[]> {
    const namespace = this.target.namespace;
    return this.call('volume_list', 'list world volumes', async (options) => {
      const list = await this.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: MANAGED_SELECTOR }, options);
      return list.items.map((pvc) => pvc.metadata?.labels?.[LABEL_SERVER_ID]).filter((id): id is string => typeof id === 'string');
    });
  }

  logs(name: string, tail: number): Promise<string[]> {
    const namespace = this.target.namespace;
    // Agones names the pod after its GameServer (GameServer.Pod() in agones pkg/apis/agones/v1/gameserver.go).
    return this.call(
      'logs',
      `read the log of GameServer ${name}`,
      async (options) => {
        let text: string;
        try {
          text = await this.core.readNamespacedPodLog(
            { name, namespace, container: GAME_CONTAINER, tailLines: tail, limitBytes: tail * 1024 },
            options,
          );
        } catch (err) {
          // 400 "container ... is waiting to start": the game has written nothing yet.
          if (statusOf(err) === 400) {
            return [];
          }
          throw err;
        }
        return splitLog(text, tail);
      },
      () => [],
    );
  }

  async diagnose(name: string): Promise<string | null> {
    const namespace = this.target.namespace;
    const gameServer = await this.get(name);
    const pod = await this.call(
      'diagnose',
      `read the pod of GameServer ${name}`,
      (options) => this.core.readNamespacedPod({ name, namespace }, options),
      () => null,
    );
    return diagnosePod(gameServer, pod);
  }

  onModuleDestroy(): void {
    this.watches.forEach((watch) => watch.stop());
    this.watches.clear();
  }

  private listWithVersion(): Promise<{ items: GameServerInfo[]; resourceVersion: string }> {
    return this.call('list', 'list GameServers', async (options) => {
      const list = (await this.api.listNamespacedCustomObject(
        { ...this.target, labelSelector: MANAGED_SELECTOR },
        options,
      )) as GameServerListResource;
      if (!Array.isArray(list?.items)) {
        throw new TypeError('GameServer list without items');
      }
      return { items: list.items.map(toGameServerInfo), resourceVersion: list.metadata?.resourceVersion ?? '' };
    });
  }

  /** Runs one API call under AGONES_TIMEOUT_MS, counts it, and turns failures into DomainErrors. */
  private async call<T>(op: AgonesOp, action: string, run: (options: k8s.ConfigurationOptions) => Promise<T>, onNotFound?: () => T): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const result = await run(withSignal(abort.signal));
      this.metrics.record(op, 'success');
      return result;
    } catch (err) {
      if (onNotFound && statusOf(err) === 404) {
        this.metrics.record(op, 'not_found');
        return onNotFound();
      }
      this.metrics.record(op, 'error');
      const error = toUpstreamError(action, err, this.timeoutMs);
      this.logger.warn(error.message);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The last `tail` lines of a log text, without the empty line after its final newline. */
export function splitLog(text: string, tail: number): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') {
    lines.pop();
  }
  return lines.slice(-tail);
}

/** Per-call options that attach an AbortSignal, so a slow API server cannot hold a request forever. */
function withSignal(signal: AbortSignal): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new k8s.Observable(Promise.resolve(context));
        },
        post: (context) => new k8s.Observable(Promise.resolve(context)),
      },
    ],
  };
}
