import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadConfig, SETTINGS } from '../../src/config/app-config';
import { dataSourceOptions, ensureDatabase } from '../../src/database/database-options';
import { withDatabase } from '../../src/database/embedded-postgres';
import { MIGRATION_LOCK, MigrationRunner } from '../../src/database/migration-runner.service';
import { MIGRATIONS } from '../../src/database/migrations';
import { applyCatalogOverride, BUILT_IN_GAMES } from '../../src/servers/catalog/game-catalog';
import { GameCatalogService } from '../../src/servers/catalog/game-catalog.service';
import { AgonesMetrics } from '../../src/agones/agones.metrics';
import { KubernetesAgones } from '../../src/agones/kubernetes-agones.adapter';
import { Counter } from 'prom-client';
import { FakeKubernetes, OP_PERMISSIONS } from '../fakes/fake-kubernetes';
import { pollUntil } from '../support/poll';

/*
 * Renders helm/agis-bot with the real helm binary (scripts/ensure-test-deps.sh installs it) and checks the
 * objects a cluster would receive. No cluster is involved: `helm template` and `helm install --dry-run=client`.
 */

const ROOT = join(__dirname, '..', '..');
const CHART = join(ROOT, 'helm', 'agis-bot');
const RELEASE = 'prod';
const NAMESPACE = 'agis';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are free-form YAML */
type K8s = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } };

function helm(args: string[], values?: object, valueFiles: string[] = []): { code: number; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'agis-helm-'));
  try {
    const extra: string[] = valueFiles.flatMap((f) => ['-f', f]);
    if (values) {
      writeFileSync(join(dir, 'values.yaml'), stringify(values));
      extra.push('-f', join(dir, 'values.yaml'));
    }
    const res = spawnSync('helm', [...args, ...extra], { encoding: 'utf8', timeout: 30_000 });
    if (res.error) {
      throw new Error(`helm could not run (${res.error.message}); run scripts/ensure-test-deps.sh first`);
    }
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(values?: object, valueFiles: string[] = []): K8s[] {
  const res = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE], values, valueFiles);
  if (res.code !== 0) {
    throw new Error(`helm template failed:\n${res.stderr}`);
  }
  const docs = parseAllDocuments(res.stdout);
  for (const d of docs) {
    expect(d.errors).toEqual([]);
  }
  return docs.map((d) => d.toJS() as K8s | null).filter((o): o is K8s => o !== null);
}

function renderError(values: object, valueFiles: string[] = []): string {
  const res = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE], values, valueFiles);
  expect(res.code).not.toBe(0);
  return res.stderr;
}

/** The rendered objects, or the render's error: for checks that compare the chart with the app. */
function tryRender(values: object): { objects?: K8s[]; error?: string } {
  const res = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE], values);
  return res.code === 0 ? { objects: render(values) } : { error: res.stderr };
}

function one(objects: K8s[], kind: string, name: string): K8s {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect({ kind, name, count: found.length }).toEqual({ kind, name, count: 1 });
  return found[0];
}

function container(deployment: K8s): any {
  const containers = deployment.spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

function envOf(deployment: K8s): EnvVar[] {
  return container(deployment).env as EnvVar[];
}

function plainEnv(deployment: K8s): Record<string, string | undefined> {
  return Object.fromEntries(
    envOf(deployment)
      .filter((e) => e.value !== undefined)
      .map((e) => [e.name, e.value]),
  );
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const FULL = `${RELEASE}-agis-bot`;
const PRODUCTION_FILE = join(CHART, 'values-production.yaml');
const chartValues = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
  config: Record<string, unknown>;
  podSecurityContext: { runAsUser: number };
  containerPort: number;
  database: { maxConnections: number };
  terminationGracePeriodSeconds: number;
};
// Set by the chart itself (REWARDS_SECRET_<PROVIDER> from rewards.secrets), never through values.config.
const CHART_MANAGED = [
  'AGIS_ROLES',
  'PORT',
  'HOST',
  'AGONES_NAMESPACE',
  'AGONES_SIDECAR_IMAGE',
  'GAME_CATALOG_FILE',
  'DATABASE_POOL_SIZE',
  'DATABASE_URL',
  'DISCORD_TOKEN',
  'REDIS_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'WEBHOOK_SECRET_KEY',
  'WEBHOOK_SECRET_KEY_PREVIOUS',
];
// Stand-ins for what existingSecret references hold in a cluster.
const STAND_IN: Record<string, string> = {
  DATABASE_URL: 'postgres://agis@db:5432/agis',
  DISCORD_TOKEN: 'token',
  REDIS_URL: 'redis://redis:6379',
  WEBHOOK_SECRET_KEY: 'stand-in-webhook-key-0123456789abcdef',
};
const WEBHOOK_KEY = 'production-webhook-key-0123456789abcdefghij';
const WEBHOOK_KEY_PREVIOUS = 'previous-webhook-key-0123456789abcdefghij';
const chartManaged = (env: string) => CHART_MANAGED.includes(env) || env.startsWith('REWARDS_SECRET_');

const PRODUCTION = {
  image: { repository: 'registry.example.org/wtg/agis', tag: '1.4.2', pullPolicy: 'Always' },
  imagePullSecrets: [{ name: 'regcred' }],
  config: {
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'https://agis.example.org',
    BILLING_TICK_MS: 60000,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
  },
  // (20 api pods + 5 surge) x 20 + bot 20 + migrations 2 = 522 connections.
  database: { url: 'postgres://agis:pw@db.internal:5432/agis?sslmode=require', maxConnections: 550 },
  discord: { token: 'discord-bot-token' },
  redis: { url: 'redis://redis.internal:6379/0' },
  webhooks: { secretKey: WEBHOOK_KEY, previousSecretKey: WEBHOOK_KEY_PREVIOUS },
  rewards: { secrets: { offerwall: 'ow-secret', survey: 'survey-secret' }, existingSecret: 'agis-rewards' },
  gameCatalog: [
    { key: 'minecraft', hourlyCost: 25, image: 'itzg/minecraft-server:2024.1' },
    {
      key: 'vintagestory',
      name: 'Vintage Story',
      hourlyCost: 50,
      image: 'devidian/vintagestory:1.20',
      ports: [{ name: 'game', containerPort: 42420, protocol: 'TCP' }],
      resources: { cpu: '1000m', memory: '2Gi' },
      env: { VS_CFG_MAX_CLIENTS: '16' },
      dataPath: '/gamedata',
      storage: '5Gi',
      readiness: { check: 'tcp', port: 42420 },
    },
  ],
  extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
  extraEnvFrom: [{ configMapRef: { name: 'agis-extra' } }],
  agones: { namespace: 'game-servers' },
  api: {
    databasePoolSize: 20,
    autoscaling: { minReplicas: 3, maxReplicas: 20, targetMemoryUtilizationPercentage: 80 },
    podDisruptionBudget: { minAvailable: 2, maxUnavailable: '' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  },
  ingress: {
    enabled: true,
    className: 'nginx',
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    hosts: [{ host: 'agis.example.org', paths: [{ path: '/api', pathType: 'Prefix' }] }],
    tls: [{ secretName: 'agis-tls', hosts: ['agis.example.org'] }],
  },
  bot: { databasePoolSize: 20 },
  monitoring: { labels: { release: 'prom' }, serviceMonitor: { enabled: true, labels: { team: 'games' } }, prometheusRule: { enabled: true } },
  grafana: { dashboards: { namespace: 'monitoring', annotations: { grafana_folder: 'agis' } } },
};

/**
 * The most connections the rendered release can hold, read from the manifests a cluster would get: every api pod at
 * the HPA's maximum plus a rolling update's surge (maxSurge rounded up, as the Deployment controller does) with a
 * full pool (DATABASE_POOL_SIZE), the bot's pool, and 2 for the migration Job (the migrate command holds at most 2).
 */
function connectionBudget(objects: K8s[]): { apiPods: number; apiPool: number; bot: number; migrations: number; total: number } {
  const api = one(objects, 'Deployment', `${FULL}-api`);
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
  const replicas: number = hpa ? hpa.spec.maxReplicas : api.spec.replicas;
  const surge = String(api.spec.strategy.rollingUpdate.maxSurge);
  const apiPods = replicas + (surge.endsWith('%') ? Math.ceil((replicas * parseInt(surge, 10)) / 100) : Number(surge));
  const apiPool = Number(plainEnv(api).DATABASE_POOL_SIZE);
  const botDeployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${FULL}-bot`);
  const bot = botDeployment ? Number(plainEnv(botDeployment).DATABASE_POOL_SIZE) : 0;
  const migrations = objects.some((o) => o.kind === 'Job') ? 2 : 0;
  return { apiPods, apiPool, bot, migrations, total: apiPods * apiPool + bot + migrations };
}

/**
 * The configuration the app would boot with in a rendered workload (loadConfig throws what would stop it): literal
 * secrets from the chart's Secret, existingSecret references from STAND_IN. Every env var must be a setting the
 * app reads (extraEnv aside).
 */
function appConfigOf(objects: K8s[], workload: K8s, extraEnv: string[] = []): ReturnType<typeof loadConfig> {
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === FULL);
  const known = new Set(SETTINGS.map((s) => s.env));
  const env: Record<string, string> = {};
  for (const e of envOf(workload)) {
    if (!extraEnv.includes(e.name)) {
      expect({ env: e.name, known: known.has(e.name) || e.name.startsWith('REWARDS_SECRET_') }).toEqual({ env: e.name, known: true });
    }
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = e.value ?? (ref && ref.name === secret?.metadata.name ? secret?.stringData[ref.key] : STAND_IN[e.name]);
  }
  return loadConfig(env);
}

/**
 * The API calls KubernetesAgones makes, as "group/resource:verb", observed rather than assumed: every method of
 * the AgonesClient port runs against the fake Kubernetes API, and each request it logged maps to the RBAC rule it
 * needs (OP_PERMISSIONS). A new call without a grant (a 403 in the cluster) fails the Role test.
 */
async function kubernetesCalls(): Promise<string[]> {
  const fake = await FakeKubernetes.start();
  const metrics = new AgonesMetrics(new Counter({ name: 'agis_agones_requests_total_rbac', help: 'h', labelNames: ['op', 'result'], registers: [] }));
  const config = loadConfig({
    AGONES_MODE: 'kubernetes',
    KUBECONFIG: fake.writeKubeconfig('games'),
    AGONES_NAMESPACE: 'games',
    AGONES_TIMEOUT_MS: '2000',
  });
  const agones = new KubernetesAgones(config, metrics);
  try {
    const serverId = '7c1e2d3f-0000-4000-8000-00000000fe11';
    const game = BUILT_IN_GAMES[0];
    await agones.ensureVolume({ serverId, ownerId: serverId, size: game.storage });
    const gs = await agones.create({
      serverId,
      ownerId: serverId,
      gameType: game.key,
      image: game.image,
      ports: game.ports,
      resources: game.resources,
      env: game.env,
      dataPath: game.dataPath,
      readiness: { check: game.readiness.check, port: game.readiness.port },
    });
    const stop = agones.watch(() => undefined);
    await pollUntil(
      async () => fake.openWatches,
      (n) => n > 0,
      { what: 'the watch' },
    );
    stop();
    await agones.get(gs.name);
    await agones.list();
    await agones.logs(gs.name, 10);
    await agones.diagnose(gs.name);
    await agones.listVolumes();
    await agones.delete(gs.name);
    await agones.deleteVolume(serverId);
    const calls = new Set(
      fake.requests
        .filter((r) => r.op)
        .map((r) => {
          const p = OP_PERMISSIONS[r.op!];
          return `${p.apiGroup}/${p.resource}:${p.verb}`;
        }),
    );
    return [...calls].sort();
  } finally {
    agones.onModuleDestroy();
    await fake.close();
  }
}

/**
 * Feeds the rendered game-catalog.json through the app's own loader, exactly as a pod boots: GameCatalogService reads
 * GAME_CATALOG_FILE, parses it and applies it to the built-in catalog (throwing what would crash the pod).
 */
function loadRenderedCatalog(objects: K8s[]): ReturnType<typeof applyCatalogOverride> {
  const cm = one(objects, 'ConfigMap', `${FULL}-game-catalog`);
  const dir = mkdtempSync(join(tmpdir(), 'agis-catalog-'));
  try {
    const file = join(dir, 'game-catalog.json');
    writeFileSync(file, cm.data['game-catalog.json']);
    return [...new GameCatalogService(loadConfig({ GAME_CATALOG_FILE: file })).games];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the app's loader says of a catalog document: the game keys, or its error. */
function appVerdict(doc: unknown): { keys?: string[]; error?: string } {
  try {
    return { keys: applyCatalogOverride(BUILT_IN_GAMES, doc).map((g) => g.key) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('Helm chart helm/agis-bot', () => {
  it('passes helm lint --strict with its own values and with production overrides', () => {
    for (const values of [undefined, PRODUCTION]) {
      const res = helm(['lint', '--strict', CHART], values);
      expect(res.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(res.code).toBe(0);
    }
  });

  describe.each([
    ['its own values', undefined],
    ['production overrides', PRODUCTION],
  ])('rendered with %s', (_label, values) => {
    let objects: K8s[];
    let api: K8s;
    let bot: K8s;
    beforeAll(() => {
      objects = render(values);
      api = one(objects, 'Deployment', `${FULL}-api`);
      bot = one(objects, 'Deployment', `${FULL}-bot`);
    });

    it('gives every document a GA apiVersion, a kind and a valid name', () => {
      const apiVersions: Record<string, string> = {
        Deployment: 'apps/v1',
        Service: 'v1',
        ConfigMap: 'v1',
        Secret: 'v1',
        ServiceAccount: 'v1',
        HorizontalPodAutoscaler: 'autoscaling/v2',
        PodDisruptionBudget: 'policy/v1',
        Ingress: 'networking.k8s.io/v1',
        Job: 'batch/v1',
        NetworkPolicy: 'networking.k8s.io/v1',
        Role: 'rbac.authorization.k8s.io/v1',
        RoleBinding: 'rbac.authorization.k8s.io/v1',
        ServiceMonitor: 'monitoring.coreos.com/v1',
        PrometheusRule: 'monitoring.coreos.com/v1',
      };
      for (const o of objects) {
        expect({ kind: o.kind, apiVersion: o.apiVersion }).toEqual({ kind: o.kind, apiVersion: apiVersions[o.kind] });
        expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        for (const v of Object.values(o.metadata.labels ?? {})) {
          expect(v.length).toBeLessThanOrEqual(63);
        }
      }
    });

    it('runs the api as "api,scheduler" behind an HPA and the bot as one "bot" replica', () => {
      expect(plainEnv(api).AGIS_ROLES).toBe('api,scheduler');
      expect(plainEnv(bot).AGIS_ROLES).toBe('bot');
      // The HPA owns the api replica count; a fixed count would fight it on every upgrade.
      expect(api.spec.replicas).toBeUndefined();
      const hpa = one(objects, 'HorizontalPodAutoscaler', `${FULL}-api`);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: api.metadata.name });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      expect(bot.spec.replicas).toBe(1);
      expect(bot.spec.strategy).toEqual({ type: 'Recreate' });
    });

    it('has selectors that match the pod labels, and a Service and PDB that pick the right pods', () => {
      for (const d of [api, bot]) {
        expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      }
      expect(selects(api.spec.selector.matchLabels, bot.spec.template.metadata.labels)).toBe(false);
      expect(selects(bot.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(false);
      const service = one(objects, 'Service', FULL);
      expect(selects(service.spec.selector, api.spec.template.metadata.labels)).toBe(true);
      expect(selects(service.spec.selector, bot.spec.template.metadata.labels)).toBe(false);
      expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
      const botService = one(objects, 'Service', `${FULL}-bot`);
      expect(selects(botService.spec.selector, bot.spec.template.metadata.labels)).toBe(true);
      const pdb = one(objects, 'PodDisruptionBudget', `${FULL}-api`);
      expect(selects(pdb.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(true);
      expect(selects(pdb.spec.selector.matchLabels, bot.spec.template.metadata.labels)).toBe(false);
    });

    it('probes /healthz (startup, liveness) and /readyz (readiness) on the http port the app listens on', () => {
      for (const d of [api, bot]) {
        const c = container(d);
        expect(c.ports).toEqual([{ name: 'http', containerPort: chartValues.containerPort, protocol: 'TCP' }]);
        expect(plainEnv(d).PORT).toBe(String(chartValues.containerPort));
        expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      }
    });

    it('runs non-root with a read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp and /tmp as emptyDir', () => {
      for (const d of [api, bot]) {
        const pod = d.spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
        expect(container(d).securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container(d).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: expect.any(Object) });
        expect(pod.serviceAccountName).toBe(FULL);
      }
    });

    it('grants in the game namespace exactly the calls KubernetesAgones makes, and nothing cluster-wide', async () => {
      const gameNamespace = values ? 'game-servers' : NAMESPACE;
      const role = one(objects, 'Role', `${FULL}-gameservers`);
      expect(role.metadata.namespace).toBe(gameNamespace);
      const granted = (role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[])
        .flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))))
        .sort();
      expect(granted).toEqual(await kubernetesCalls());
      const binding = one(objects, 'RoleBinding', `${FULL}-gameservers`);
      expect(binding.metadata.namespace).toBe(gameNamespace);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: FULL, namespace: NAMESPACE }]);
      one(objects, 'ServiceAccount', FULL);
      for (const d of [api, bot]) {
        expect(plainEnv(d).AGONES_NAMESPACE).toBe(gameNamespace);
      }
      // Nothing cluster-wide.
      expect(objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    });

    it('sets the production settings and takes DATABASE_URL, WEBHOOK_SECRET_KEY and (bot only) DISCORD_TOKEN from a Secret', () => {
      for (const d of [api, bot]) {
        expect(plainEnv(d)).toMatchObject({
          AGONES_MODE: 'kubernetes',
          NODE_ENV: 'production',
          DEMO_SEED: 'false',
          LOG_LEVEL: values ? 'warn' : 'info',
        });
        const env = envOf(d);
        const secretNames = d === bot ? ['DATABASE_URL', 'WEBHOOK_SECRET_KEY', 'DISCORD_TOKEN'] : ['DATABASE_URL', 'WEBHOOK_SECRET_KEY'];
        for (const name of secretNames) {
          const e = env.find((x) => x.name === name);
          // Required: a missing key stops the pod before the app runs, instead of an app that cannot boot.
          expect({ name, ref: e?.valueFrom?.secretKeyRef }).toEqual({ name, ref: { name: values ? FULL : 'agis-bot-secrets', key: name } });
          expect(e?.value).toBeUndefined();
        }
        expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
      }
    });

    it('gives the Discord token only to the pods that run the bot role (the api pods start without it)', () => {
      expect(envOf(bot).map((e) => e.name)).toContain('DISCORD_TOKEN');
      expect(envOf(api).map((e) => e.name)).not.toContain('DISCORD_TOKEN');
      expect(container(api).envFrom ?? []).not.toContainEqual({ secretRef: { name: FULL } });
    });

    it('gives the app a configuration it accepts, naming only settings the app reads', () => {
      const stand_in = STAND_IN;
      for (const d of [api, bot]) {
        const config = appConfigOf(
          objects,
          d,
          (values?.extraEnv ?? []).map((e) => e.name),
        );
        expect(config.AGONES_MODE).toBe('kubernetes');
        expect(config.DEMO_SEED).toBe(false);
        expect(config.AGIS_ROLES).toEqual(d === api ? ['api', 'scheduler'] : ['bot']);
        expect(config.DATABASE_URL).toBe(values ? PRODUCTION.database.url : stand_in.DATABASE_URL);
        expect(config.DATABASE_POOL_SIZE).toBe(values ? 20 : 5);
        // The GameServer readiness sidecar runs the image this release runs.
        expect(config.AGONES_SIDECAR_IMAGE).toBe(container(d).image);
        expect(config.WEBHOOK_SECRET_KEY).toBe(values ? WEBHOOK_KEY : stand_in.WEBHOOK_SECRET_KEY);
        expect(config.WEBHOOK_SECRET_KEY_PREVIOUS).toBe(values ? WEBHOOK_KEY_PREVIOUS : undefined);
        expect(config.DISCORD_TOKEN).toBe(d === bot ? (values ? PRODUCTION.discord.token : stand_in.DISCORD_TOKEN) : undefined);
        // Tracing: on in every pod when the values name a collector, off (no SDK) by default.
        expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(values ? PRODUCTION.config.OTEL_EXPORTER_OTLP_ENDPOINT : undefined);
        expect(config.OTEL_SERVICE_NAME).toBe('agis');
      }
    });

    it('ships every dashboard in a ConfigMap labelled for the Grafana sidecar, identical to grafana/*.json', () => {
      const cm = one(objects, 'ConfigMap', `${FULL}-dashboards`);
      expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
      expect(cm.metadata.namespace).toBe(values ? 'monitoring' : NAMESPACE);
      expect(Object.keys(cm.data).sort()).toEqual(['agis-api-usage.json', 'agis-overview.json', 'agis-revenue.json']);
      for (const file of Object.keys(cm.data)) {
        expect(JSON.parse(cm.data[file])).toEqual(JSON.parse(readFileSync(join(ROOT, 'grafana', file), 'utf8')));
      }
    });

    it('adds Prometheus scrape annotations for /metrics on the http port, unless a ServiceMonitor scrapes the pods', () => {
      const serviceMonitor = objects.some((o) => o.kind === 'ServiceMonitor');
      expect(serviceMonitor).toBe(values !== undefined);
      for (const d of [api, bot]) {
        const annotations = d.spec.template.metadata.annotations;
        if (serviceMonitor) {
          // Both would scrape every pod: twice the samples, and every counter rate doubled in sums.
          expect(Object.keys(annotations).filter((k) => k.startsWith('prometheus.io/'))).toEqual([]);
        } else {
          expect(annotations).toMatchObject({
            'prometheus.io/scrape': 'true',
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': String(chartValues.containerPort),
          });
        }
      }
    });

    it('pauses the api pods before SIGTERM so endpoints are gone before the app stops, within the grace period', () => {
      expect(container(api).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
      expect(container(bot).lifecycle).toBeUndefined();
      const grace = Number(plainEnv(api).SHUTDOWN_GRACE_MS ?? 10_000) / 1000;
      expect(api.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10 + grace);
    });

    it('spreads the api pods over zones and nodes, counting only api pods of the same ReplicaSet', () => {
      const spread = api.spec.template.spec.topologySpreadConstraints as any[];
      expect(spread.map((c) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      for (const c of spread) {
        expect(c).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', matchLabelKeys: ['pod-template-hash'] });
        expect(selects(c.labelSelector.matchLabels, api.spec.template.metadata.labels)).toBe(true);
        expect(selects(c.labelSelector.matchLabels, bot.spec.template.metadata.labels)).toBe(false);
      }
      expect(bot.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    });

    it('keeps the PostgreSQL connections of the whole release at full scale within database.maxConnections', () => {
      const budget = connectionBudget(objects);
      expect(budget.total).toBeLessThanOrEqual(values ? PRODUCTION.database.maxConnections : chartValues.database.maxConnections);
      expect(budget).toEqual(
        values ? { apiPods: 25, apiPool: 20, bot: 20, migrations: 2, total: 522 } : { apiPods: 13, apiPool: 5, bot: 5, migrations: 2, total: 72 },
      );
    });
  });

  describe('with its own values', () => {
    it('creates no Secret, Ingress, ServiceMonitor or PrometheusRule, and references the agis-bot-secrets Secret', () => {
      const objects = render();
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'ConfigMap',
        'Deployment',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Job',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'Service',
        'ServiceAccount',
      ]);
      const redis = envOf(one(objects, 'Deployment', `${FULL}-api`)).find((e) => e.name === 'REDIS_URL');
      expect(redis?.valueFrom?.secretKeyRef).toEqual({ name: 'agis-bot-secrets', key: 'REDIS_URL', optional: true });
    });

    it('lists every setting of src/config/app-config.ts, so none is forgotten when the app grows', () => {
      const configKeys = Object.keys(chartValues.config);
      const missing = SETTINGS.map((s) => s.env).filter((env) => !chartManaged(env) && !configKeys.includes(env));
      expect(missing).toEqual([]);
      expect(configKeys.filter((k) => !SETTINGS.some((s) => s.env === k))).toEqual([]);
      expect(configKeys.filter(chartManaged)).toEqual([]);
    });
  });

  describe('with production overrides', () => {
    let objects: K8s[];
    beforeAll(() => {
      objects = render(PRODUCTION);
    });

    it('stores the literal secrets in its own Secret, provider secrets as REWARDS_SECRET_<PROVIDER>', () => {
      const secret = one(objects, 'Secret', FULL);
      expect(secret.stringData).toEqual({
        DATABASE_URL: PRODUCTION.database.url,
        DISCORD_TOKEN: PRODUCTION.discord.token,
        REDIS_URL: PRODUCTION.redis.url,
        WEBHOOK_SECRET_KEY: WEBHOOK_KEY,
        WEBHOOK_SECRET_KEY_PREVIOUS: WEBHOOK_KEY_PREVIOUS,
        REWARDS_SECRET_OFFERWALL: 'ow-secret',
        REWARDS_SECRET_SURVEY: 'survey-secret',
      });
      const api = one(objects, 'Deployment', `${FULL}-api`);
      expect(envOf(api)).toEqual(
        expect.arrayContaining([
          { name: 'REWARDS_SECRET_SURVEY', valueFrom: { secretKeyRef: { name: FULL, key: 'REWARDS_SECRET_SURVEY' } } },
          { name: 'NODE_OPTIONS', value: '--max-old-space-size=384' },
        ]),
      );
      expect(container(api).envFrom).toEqual([{ secretRef: { name: 'agis-rewards' } }, { configMapRef: { name: 'agis-extra' } }]);
    });

    it('restarts the pods when a secret changes (checksum annotation)', () => {
      const checksum = (objs: K8s[]) => one(objs, 'Deployment', `${FULL}-api`).spec.template.metadata.annotations['checksum/secret'];
      const changed = render({ ...PRODUCTION, discord: { token: 'rotated-token' } });
      expect(checksum(objects)).toMatch(/^[0-9a-f]{64}$/);
      expect(checksum(changed)).not.toBe(checksum(objects));
    });

    it('mounts the game catalog and points GAME_CATALOG_FILE at it', () => {
      const cm = one(objects, 'ConfigMap', `${FULL}-game-catalog`);
      expect(JSON.parse(cm.data['game-catalog.json'])).toEqual(PRODUCTION.gameCatalog);
      for (const d of [one(objects, 'Deployment', `${FULL}-api`), one(objects, 'Deployment', `${FULL}-bot`)]) {
        expect(plainEnv(d).GAME_CATALOG_FILE).toBe('/etc/agis/game-catalog.json');
        expect(container(d).volumeMounts).toContainEqual({ name: 'game-catalog', mountPath: '/etc/agis', readOnly: true });
        expect(d.spec.template.spec.volumes).toContainEqual({ name: 'game-catalog', configMap: { name: cm.metadata.name } });
      }
    });

    it('writes a catalog file the app’s own loader accepts at boot, with the games it was given', () => {
      const games = loadRenderedCatalog(objects);
      const minecraft = games.find((g) => g.key === 'minecraft');
      // An override of a built-in game changes only the fields it gives.
      expect(minecraft).toEqual({ ...BUILT_IN_GAMES.find((g) => g.key === 'minecraft'), hourlyCost: 25, image: 'itzg/minecraft-server:2024.1' });
      expect(games.find((g) => g.key === 'vintagestory')).toEqual(PRODUCTION.gameCatalog[1]);
      expect(games.find((g) => g.key === 'valheim')).toEqual(BUILT_IN_GAMES.find((g) => g.key === 'valheim'));
      expect(games.map((g) => g.key)).toEqual([...BUILT_IN_GAMES.map((g) => g.key), 'vintagestory']);
    });

    it('routes only /api through the Ingress, with TLS', () => {
      const ingress = one(objects, 'Ingress', FULL);
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.spec.tls).toEqual([{ secretName: 'agis-tls', hosts: ['agis.example.org'] }]);
      expect(ingress.spec.rules).toEqual([
        {
          host: 'agis.example.org',
          http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: FULL, port: { number: 80 } } } }] },
        },
      ]);
    });

    it('refuses an Ingress path that would publish /metrics or the probes', () => {
      const stderr = renderError({
        ...PRODUCTION,
        ingress: { ...PRODUCTION.ingress, hosts: [{ host: 'agis.example.org', paths: [{ path: '/' }] }] },
      });
      expect(stderr).toMatch(/would expose \/metrics or the probes/);
    });

    it('scrapes /metrics of api and bot through a ServiceMonitor, and ships the alert rules as a PrometheusRule', () => {
      const sm = one(objects, 'ServiceMonitor', FULL);
      // monitoring.labels on both, plus the ServiceMonitor's own.
      expect(sm.metadata.labels).toMatchObject({ release: 'prom', team: 'games' });
      expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      const services = objects.filter((o) => o.kind === 'Service');
      expect(services.map((s) => s.metadata.name).sort()).toEqual([FULL, `${FULL}-bot`]);
      for (const s of services) {
        expect(selects(sm.spec.selector.matchLabels, s.metadata.labels)).toBe(true);
        expect(s.metadata.labels?.[sm.spec.jobLabel]).toBe('agis-bot');
      }
      const rule = one(objects, 'PrometheusRule', FULL);
      expect(rule.metadata.labels?.release).toBe('prom');
      expect(rule.metadata.labels?.team).toBeUndefined();
      const alerts = parse(readFileSync(join(ROOT, 'grafana', 'alerts.yml'), 'utf8')) as { groups: unknown[] };
      expect(rule.spec.groups).toEqual(alerts.groups);
    });

    it('uses the HPA and PDB settings given', () => {
      const hpa = one(objects, 'HorizontalPodAutoscaler', `${FULL}-api`);
      expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
      expect(hpa.spec.metrics.map((m: any) => m.resource.name).sort()).toEqual(['cpu', 'memory']);
      expect(one(objects, 'PodDisruptionBudget', `${FULL}-api`).spec).toMatchObject({ minAvailable: 2 });
      const api = one(objects, 'Deployment', `${FULL}-api`);
      expect(container(api).image).toBe('registry.example.org/wtg/agis:1.4.2');
      expect(api.spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    });
  });

  describe('refusals and switches', () => {
    it('fails to render without any database URL', () => {
      expect(renderError({ database: { existingSecret: '' } })).toMatch(/DATABASE_URL is required: set database.url or database.existingSecret/);
    });

    it('fails to render a PDB with both minAvailable and maxUnavailable', () => {
      expect(renderError({ api: { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } } })).toMatch(
        /exactly one of minAvailable and maxUnavailable/,
      );
    });

    it('without the bot: no bot workload and no Discord token needed', () => {
      const objects = render({ bot: { enabled: false }, discord: { existingSecret: '' } });
      expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'bot')).toEqual([]);
      expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual([`${FULL}-api`]);
      const api = one(objects, 'Deployment', `${FULL}-api`);
      expect(envOf(api).map((e) => e.name)).not.toContain('DISCORD_TOKEN');
    });

    it('without autoscaling: a fixed api replica count and no HPA', () => {
      const objects = render({ api: { autoscaling: { enabled: false }, replicaCount: 4 } });
      expect(one(objects, 'Deployment', `${FULL}-api`).spec.replicas).toBe(4);
      expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    });

    it('prints install notes naming the Service and the way to mint the first API key', () => {
      const res = helm(['install', RELEASE, CHART, '--namespace', NAMESPACE, '--dry-run=client']);
      expect({ code: res.code, stderr: res.code === 0 ? '' : res.stderr }).toEqual({ code: 0, stderr: '' });
      expect(res.stdout).toContain(`port-forward service/${FULL} 8080:80`);
      expect(res.stdout).toContain('node dist/src/cli.js keys:create');
    });

    it('prints the connection budget in the install notes', () => {
      const res = helm(['install', RELEASE, CHART, '--namespace', NAMESPACE, '--dry-run=client']);
      expect(res.stdout).toContain('PostgreSQL connections at full scale: 72 of database.maxConnections 90 (13 api pods x 5, bot 5, migrations 2)');
    });

    it('refuses api roles with the bot (one gateway per replica) or without the api (the Service routes there)', () => {
      expect(renderError({ api: { roles: 'api,scheduler,bot' } })).toMatch(/api.roles \(api,scheduler,bot\) must not include bot/);
      expect(renderError({ api: { roles: 'scheduler' } })).toMatch(/api.roles \(scheduler\) must include api/);
      expect(renderError({ bot: { roles: 'bot,api' } })).toMatch(/bot.roles \(bot,api\) must not include api/);
      expect(renderError({ api: { roles: 'api' } })).toMatch(/no workload runs the scheduler role \(api.roles api, bot.roles bot\)/);
      // The scheduler may run beside the gateway instead (claims are in PostgreSQL, so anywhere is fine).
      expect(plainEnv(one(render({ api: { roles: 'api' }, bot: { roles: 'bot,scheduler' } }), 'Deployment', `${FULL}-bot`)).AGIS_ROLES).toBe(
        'bot,scheduler',
      );
    });
  });

  describe('game catalog (GAME_CATALOG_FILE)', () => {
    // The chart's own test used this shape until it was found that the app refuses it at boot (every pod crash-looping).
    const MAP_SHAPE = { minecraft: { costPerHour: 30, image: 'itzg/minecraft-server:2024.1' } };

    it('refuses a map keyed by game at render time, naming the list shape', () => {
      expect(appVerdict(MAP_SHAPE).error).toMatch(/expected a JSON array of games/);
      expect(renderError({ gameCatalog: MAP_SHAPE })).toMatch(
        /gameCatalog must be a list of games \(- key: minecraft, hourlyCost: 30, \.\.\.\), not a map keyed by game/,
      );
    });

    it('lists every problem of a list the app would refuse', () => {
      const stderr = renderError({
        gameCatalog: [
          { key: 'minecraft', costPerHour: 30 },
          { key: 'newgame', hourlyCost: 10 },
        ],
      });
      expect(stderr).toContain(
        'gameCatalog[0] (minecraft): unknown field "costPerHour" (fields: key, name, hourlyCost, image, ports, resources, env, args, dataPath, storage, readiness)',
      );
      for (const field of ['name', 'image', 'ports', 'resources', 'dataPath', 'storage', 'readiness']) {
        expect(stderr).toContain(`gameCatalog[1] (newgame): ${field} is required for a game that is not built in`);
      }
    });

    it('knows the same built-in games as the app (a partial override is allowed for exactly those)', () => {
      const helpers = readFileSync(join(CHART, 'templates', '_helpers.tpl'), 'utf8');
      const listed = helpers.match(/define "agis-bot\.builtInGames" -\}\}\n(.*)\n/)?.[1].split(',');
      expect(listed).toEqual(BUILT_IN_GAMES.map((g) => g.key));
    });

    // Each catalog is judged by the chart (render or fail) and by the app's loader: they must agree, so no catalog
    // renders into pods that cannot boot, and no catalog the app accepts is refused.
    const base = {
      name: 'New Game',
      hourlyCost: 10,
      image: 'example/new:1',
      ports: [{ name: 'game', containerPort: 7777, protocol: 'UDP' }],
      resources: { cpu: '500m', memory: '1Gi' },
      dataPath: '/data',
      storage: '5Gi',
      readiness: { check: 'udp', port: 7777 },
    };
    const mc = { key: 'minecraft' };
    const cases: [string, unknown[]][] = [
      ['a partial override of a built-in game', [{ key: 'valheim', hourlyCost: 99 }]],
      ['a new game with every field', [{ key: 'new-game', ...base }]],
      [
        'several games and every field of a built-in one',
        [
          { key: 'rust', ...base, name: 'Rust (modded)' },
          {
            key: 'n2',
            ...base,
            ports: [
              { name: 'a', containerPort: 1, protocol: 'TCP' },
              { name: 'b', containerPort: 7777, protocol: 'TCPUDP' },
            ],
          },
        ],
      ],
      [
        'env, args and a readiness with a gamedig protocol and boot time',
        [
          {
            key: 'n4',
            ...base,
            env: { EULA: 'TRUE', _X1: '' },
            args: ['-public', '1'],
            readiness: { check: 'protocol-valve', port: 7777, bootSeconds: 3600 },
          },
        ],
      ],
      ['a built-in game with only env', [{ ...mc, env: { MOTD: 'hello' } }]],
      ['a CPU in cores and a memory in plain bytes', [{ key: 'n3', ...base, resources: { cpu: '1.5', memory: '1073741824' } }]],
      ['a key in capitals', [{ key: 'Minecraft', hourlyCost: 1 }]],
      ['a key too long', [{ key: 'a'.repeat(33), ...base }]],
      [
        'a duplicate key',
        [
          { key: 'minecraft', hourlyCost: 1 },
          { key: 'minecraft', hourlyCost: 2 },
        ],
      ],
      ['an entry that is not an object', ['minecraft']],
      ['an unknown field', [{ key: 'minecraft', costPerHour: 30 }]],
      ['a new game missing fields', [{ key: 'new-game', hourlyCost: 10 }]],
      ['a fractional cost', [{ key: 'minecraft', hourlyCost: 1.5 }]],
      ['a zero cost', [{ key: 'minecraft', hourlyCost: 0 }]],
      ['a cost as a string', [{ key: 'minecraft', hourlyCost: '30' }]],
      ['an empty name', [{ key: 'minecraft', name: ' ' }]],
      ['a name of 65 characters', [{ key: 'minecraft', name: 'n'.repeat(65) }]],
      ['an image with a space', [{ key: 'minecraft', image: 'itzg/minecraft server' }]],
      ['no ports', [{ key: 'minecraft', ports: [] }]],
      [
        'nine ports',
        [{ key: 'minecraft', ports: Array.from({ length: 9 }, (_, i) => ({ name: `p${i}`, containerPort: 1000 + i, protocol: 'TCP' })) }],
      ],
      ['a port in capitals', [{ key: 'minecraft', ports: [{ name: 'Game', containerPort: 25565, protocol: 'TCP' }] }]],
      ['a port out of range', [{ key: 'minecraft', ports: [{ name: 'game', containerPort: 70000, protocol: 'TCP' }] }]],
      ['a lowercase protocol', [{ key: 'minecraft', ports: [{ name: 'game', containerPort: 25565, protocol: 'tcp' }] }]],
      [
        'two ports with one name',
        [
          {
            key: 'minecraft',
            ports: [
              { name: 'game', containerPort: 1, protocol: 'TCP' },
              { name: 'game', containerPort: 2, protocol: 'UDP' },
            ],
          },
        ],
      ],
      ['resources without memory', [{ key: 'minecraft', resources: { cpu: '2' } }]],
      ['memory as GB', [{ key: 'minecraft', resources: { cpu: '2', memory: '2GB' } }]],
      ['CPU as "2 cores"', [{ key: 'minecraft', resources: { cpu: '2 cores', memory: '2Gi' } }]],
      ['an unquoted env value (YAML true)', [{ ...mc, env: { EULA: true } }]],
      ['a numeric env value', [{ ...mc, env: { PORT: 25565 } }]],
      ['an env name with a dash', [{ ...mc, env: { 'MY-VAR': 'x' } }]],
      ['env as a list', [{ ...mc, env: ['EULA=TRUE'] }]],
      ['args as a string', [{ ...mc, args: '-public 1' }]],
      ['a numeric arg', [{ ...mc, args: ['-port', 2456] }]],
      ['a relative dataPath', [{ ...mc, dataPath: 'data' }]],
      ['storage in G', [{ ...mc, storage: '10G' }]],
      ['storage of 0Gi', [{ ...mc, storage: '0Gi' }]],
      ['a readiness without a check', [{ ...mc, readiness: { port: 25565 } }]],
      ['a readiness check that is no kind of check', [{ ...mc, readiness: { check: 'http', port: 25565 } }]],
      ['a readiness port the game does not have', [{ key: 'n5', ...base, readiness: { check: 'tcp', port: 8080 } }]],
      ['a port with an unknown field', [{ ...mc, ports: [{ name: 'game', containerPort: 25565, protocol: 'TCP', hostPort: 25565 }] }]],
      ['resources with an unknown field', [{ key: 'minecraft', resources: { cpu: '2', memory: '2Gi', gpu: '1' } }]],
      ['a readiness with an unknown field', [{ ...mc, readiness: { check: 'tcp', port: 25565, path: '/' } }]],
      ['a boot time under 30 s', [{ ...mc, readiness: { check: 'tcp', port: 25565, bootSeconds: 10 } }]],
      ['a boot time past the hour charged at start', [{ ...mc, readiness: { check: 'tcp', port: 25565, bootSeconds: 3601 } }]],
      ['a new game without readiness', [{ key: 'n6', ...base, readiness: undefined }]],
    ];
    it.each(cases)('chart and app agree on %s', (_label, catalog) => {
      const app = appVerdict(catalog);
      const chart = tryRender({ gameCatalog: catalog });
      expect({ chartAccepts: chart.objects !== undefined, error: chart.error?.match(/Error: .*/s)?.[0] }).toEqual({
        chartAccepts: app.keys !== undefined,
        error: app.keys ? undefined : expect.stringMatching(/gameCatalog/),
      });
      if (chart.objects) {
        // What the pods would load is what the app makes of the values.
        expect(loadRenderedCatalog(chart.objects).map((g) => g.key)).toEqual(app.keys);
      }
    });
  });

  describe('connection budget (database.maxConnections)', () => {
    it('refuses a release that could open more connections than database.maxConnections at full scale', () => {
      // The old defaults: 10 replicas (+3 surge) x 10 connections, 110+ against PostgreSQL's 100.
      const stderr = renderError({ api: { databasePoolSize: 10 }, bot: { databasePoolSize: 10 } });
      expect(stderr).toContain(
        'database connection budget exceeded: 13 api pods (10 replicas at full scale + 3 rollout surge) x api.databasePoolSize 10 = 130, + bot 10, + migration Job 2 = 142 connections > database.maxConnections 90',
      );
      expect(stderr).toMatch(/PgBouncer/);
    });

    it('renders the same release once database.maxConnections covers it, and sets each pool on its pods', () => {
      const objects = render({ api: { databasePoolSize: 10 }, bot: { databasePoolSize: 10 }, database: { maxConnections: 142 } });
      expect(connectionBudget(objects)).toEqual({ apiPods: 13, apiPool: 10, bot: 10, migrations: 2, total: 142 });
    });

    it('counts a fixed replica count, a count surge and a disabled bot and migration Job', () => {
      expect(renderError({ api: { autoscaling: { enabled: false }, replicaCount: 17 } })).toMatch(
        /22 api pods \(17 replicas at full scale \+ 5 rollout surge\)/,
      );
      const objects = render({
        api: { autoscaling: { enabled: false }, replicaCount: 16, maxSurge: 2 },
        bot: { enabled: false },
        discord: { existingSecret: '' },
        migrations: { enabled: false },
      });
      expect(connectionBudget(objects)).toEqual({ apiPods: 18, apiPool: 5, bot: 0, migrations: 0, total: 90 });
    });

    it('refuses DATABASE_POOL_SIZE set beside the budget', () => {
      expect(renderError({ config: { DATABASE_POOL_SIZE: 50 } })).toMatch(
        /config.DATABASE_POOL_SIZE is set by the chart: use api.databasePoolSize and bot.databasePoolSize/,
      );
      expect(renderError({ extraEnv: [{ name: 'DATABASE_POOL_SIZE', value: '50' }] })).toMatch(/extraEnv DATABASE_POOL_SIZE/);
    });
  });

  describe('shutdown', () => {
    it('refuses a grace period that would kill the pod before the pause and the app’s drain are over', () => {
      expect(renderError({ config: { SHUTDOWN_GRACE_MS: 25000 } })).toMatch(
        /terminationGracePeriodSeconds \(30\) must exceed api.preStopSleepSeconds \(10\) \+ SHUTDOWN_GRACE_MS \(25 s\)/,
      );
      const objects = render({ config: { SHUTDOWN_GRACE_MS: 25000 }, terminationGracePeriodSeconds: 40 });
      expect(one(objects, 'Deployment', `${FULL}-api`).spec.template.spec.terminationGracePeriodSeconds).toBe(40);
    });

    it('drops the pause when preStopSleepSeconds is 0', () => {
      const objects = render({ api: { preStopSleepSeconds: 0 } });
      expect(container(one(objects, 'Deployment', `${FULL}-api`)).lifecycle).toBeUndefined();
    });
  });

  describe('webhook secret key', () => {
    it('refuses to render without a source for WEBHOOK_SECRET_KEY, which the app requires in production', () => {
      expect(renderError({ webhooks: { existingSecret: '' } })).toMatch(
        /WEBHOOK_SECRET_KEY is required: set webhooks.secretKey or webhooks.existingSecret/,
      );
      expect(renderError({ webhooks: { secretKey: 'short' } })).toMatch(/webhooks.secretKey must be at least 32 characters/);
    });

    it('reads the previous key for a rotation from the same Secret when it has one', () => {
      for (const d of render().filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
        const template = d.spec.template.spec.containers[0];
        expect((template.env as EnvVar[]).find((e) => e.name === 'WEBHOOK_SECRET_KEY_PREVIOUS')?.valueFrom?.secretKeyRef).toEqual({
          name: 'agis-bot-secrets',
          key: 'WEBHOOK_SECRET_KEY_PREVIOUS',
          optional: true,
        });
      }
    });
  });

  describe('monitoring', () => {
    it('labels ServiceMonitor and PrometheusRule for a default kube-prometheus-stack, and lets the labels be changed', () => {
      const objects = render({ monitoring: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } } });
      expect(one(objects, 'ServiceMonitor', FULL).metadata.labels?.release).toBe('kube-prometheus-stack');
      expect(one(objects, 'PrometheusRule', FULL).metadata.labels?.release).toBe('kube-prometheus-stack');
      const mine = render({
        monitoring: {
          labels: { release: 'monitoring' },
          serviceMonitor: { enabled: true, labels: { release: 'sm-only' } },
          prometheusRule: { enabled: true },
        },
      });
      expect(one(mine, 'ServiceMonitor', FULL).metadata.labels?.release).toBe('sm-only');
      expect(one(mine, 'PrometheusRule', FULL).metadata.labels?.release).toBe('monitoring');
    });

    it('keeps the pod scrape annotations when the ServiceMonitor is off, unless switched off too', () => {
      const annotations = (objs: K8s[]) => one(objs, 'Deployment', `${FULL}-api`).spec.template.metadata.annotations;
      expect(annotations(render())['prometheus.io/scrape']).toBe('true');
      expect(annotations(render({ monitoring: { podAnnotations: false } }))['prometheus.io/scrape']).toBeUndefined();
      expect(annotations(render({ monitoring: { serviceMonitor: { enabled: true } } }))['prometheus.io/scrape']).toBeUndefined();
    });
  });

  describe('topology spread', () => {
    it('is switched off with an empty list and keeps a labelSelector given', () => {
      expect(
        one(render({ api: { topologySpreadConstraints: [] } }), 'Deployment', `${FULL}-api`).spec.template.spec.topologySpreadConstraints,
      ).toBeUndefined();
      const own = {
        maxSkew: 2,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { tier: 'web' } },
      };
      const spread = one(render({ api: { topologySpreadConstraints: [own] } }), 'Deployment', `${FULL}-api`).spec.template.spec
        .topologySpreadConstraints;
      expect(spread).toEqual([{ ...own, matchLabelKeys: ['pod-template-hash'] }]);
    });
  });

  describe('network policy', () => {
    it('is off by default', () => {
      expect(render().filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
    });

    it('lets the ingress controller and monitoring reach the api pods, only monitoring the bot, nothing the migration Job', () => {
      const objects = render({ networkPolicy: { enabled: true } });
      const api = one(objects, 'Deployment', `${FULL}-api`);
      const bot = one(objects, 'Deployment', `${FULL}-bot`);
      const job = one(objects, 'Job', `${FULL}-migrations`);
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      expect(policies.map((p) => p.metadata.name).sort()).toEqual([`${FULL}-api`, `${FULL}-bot`, `${FULL}-migrations`]);
      // Each pod is selected by exactly its own policy.
      for (const [pod, name] of [
        [api, `${FULL}-api`],
        [bot, `${FULL}-bot`],
        [job, `${FULL}-migrations`],
      ] as const) {
        expect(
          policies.filter((p) => selects(p.spec.podSelector.matchLabels, pod.spec.template.metadata.labels)).map((p) => p.metadata.name),
        ).toEqual([name]);
      }
      const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
      const http = [{ protocol: 'TCP', port: chartValues.containerPort }];
      const [apiPolicy, botPolicy, jobPolicy] = [`${FULL}-api`, `${FULL}-bot`, `${FULL}-migrations`].map((n) => one(objects, 'NetworkPolicy', n));
      expect(apiPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(apiPolicy.spec.ingress).toEqual([{ from: [ns('ingress-nginx'), ns('monitoring')], ports: http }]);
      expect(botPolicy.spec.ingress).toEqual([{ from: [ns('monitoring')], ports: http }]);
      expect(jobPolicy.spec.ingress).toBeUndefined();
      const egressPorts = (p: K8s) => p.spec.egress.map((r: any) => r.ports.map((x: any) => `${x.port}/${x.protocol}`).join(' '));
      expect(egressPorts(apiPolicy)).toEqual(['53/UDP 53/TCP', '5432/TCP', '6379/TCP', '443/TCP 6443/TCP', '443/TCP 80/TCP']);
      expect(egressPorts(botPolicy)).toEqual(egressPorts(apiPolicy));
      expect(egressPorts(jobPolicy)).toEqual(['53/UDP 53/TCP', '5432/TCP']);
      // DNS only to the cluster DNS; HTTPS/HTTP (Discord, webhook receivers) only to public addresses.
      expect(apiPolicy.spec.egress[0].to).toEqual([{ ...ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
      expect(apiPolicy.spec.egress[4].to[0].ipBlock).toEqual({
        cidr: '0.0.0.0/0',
        except: expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
      });
    });

    it('takes narrower destinations and extra rules', () => {
      const db = [{ ipBlock: { cidr: '10.20.0.5/32' } }];
      const extra = [{ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8443 }] }];
      const policy = one(render({ networkPolicy: { enabled: true, egress: { database: { to: db }, extra } } }), 'NetworkPolicy', `${FULL}-api`);
      expect(policy.spec.egress[1]).toEqual({ to: db, ports: [{ protocol: 'TCP', port: 5432 }] });
      expect(policy.spec.egress.at(-1)).toEqual(extra[0]);
    });
  });

  describe('migration Job', () => {
    let objects: K8s[];
    let job: K8s;
    beforeAll(() => {
      objects = render();
      job = one(objects, 'Job', `${FULL}-migrations`);
    });

    it('runs the app’s own migrate command as a pre-install and pre-upgrade hook, before any pod of the release', () => {
      expect(job.metadata.annotations).toMatchObject({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
      const c = job.spec.template.spec.containers[0];
      expect(c.command).toEqual(['node', 'dist/src/database/migrate.js', 'run']);
      // The compiled file the image holds: dist/ is built from src/ by nest-cli's tsconfig.
      expect(existsSync(join(ROOT, 'src', 'database', 'migrate.ts'))).toBe(true);
      expect(c.image).toBe(container(one(objects, 'Deployment', `${FULL}-api`)).image);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      // Not bounded by a startup probe: a long migration runs to its end.
      expect(c.startupProbe).toBeUndefined();
      expect(c.livenessProbe).toBeUndefined();
      expect(c.securityContext).toEqual(container(one(objects, 'Deployment', `${FULL}-api`)).securityContext);
      const env = (c.env as EnvVar[]).map((e) => e.name);
      expect(env).toEqual(expect.arrayContaining(['DATABASE_URL', 'WEBHOOK_SECRET_KEY', 'NODE_ENV']));
      expect(env).not.toContain('DISCORD_TOKEN');
    });

    it('has its own hook Secret for literal values, created before it (the release Secret does not exist yet on install)', () => {
      const literal = render({ database: { url: 'postgres://agis:pw@db:5432/agis' }, webhooks: { secretKey: WEBHOOK_KEY } });
      const hookSecret = one(literal, 'Secret', `${FULL}-migrations`);
      expect(hookSecret.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-10' });
      expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
        Number(one(literal, 'Job', `${FULL}-migrations`).metadata.annotations!['helm.sh/hook-weight']),
      );
      expect(hookSecret.stringData).toEqual({ DATABASE_URL: 'postgres://agis:pw@db:5432/agis', WEBHOOK_SECRET_KEY: WEBHOOK_KEY });
      const env = one(literal, 'Job', `${FULL}-migrations`).spec.template.spec.containers[0].env as EnvVar[];
      expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: `${FULL}-migrations`, key: 'DATABASE_URL' });
      // Nothing literal: no hook Secret, the Job reads the existing Secret.
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    });

    it('is left out when migrations.enabled is false', () => {
      expect(render({ migrations: { enabled: false } }).filter((o) => o.kind === 'Job' || o.metadata.name.endsWith('-migrations'))).toEqual([]);
    });

    describe('against PostgreSQL', () => {
      const MIGRATE = join(ROOT, 'dist', 'src', 'database', 'migrate.js');
      let url: string;
      beforeAll(async () => {
        if (!existsSync(MIGRATE)) {
          throw new Error(`${MIGRATE} is missing: npm test builds it in pretest (npm run build)`);
        }
        url = withDatabase(process.env.TEST_DATABASE_URL!, `agis_helm_${process.pid}`);
        await ensureDatabase(url);
      });
      afterAll(async () => {
        const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`).finally(() => admin.end());
      });

      it('applies every migration with the rendered command and env, and pods then boot without waiting on the migration lock', async () => {
        const c = job.spec.template.spec.containers[0];
        const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
        for (const e of c.env as EnvVar[]) {
          const value = e.value ?? (e.name === 'DATABASE_URL' ? url : STAND_IN[e.name]);
          if (value !== undefined) {
            env[e.name] = value;
          }
        }
        const [cmd, ...args] = c.command as string[];
        const res = spawnSync(cmd === 'node' ? process.execPath : cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
        expect({ code: res.status, out: `${res.stdout}${res.stderr}` }).toEqual({ code: 0, out: expect.stringContaining('Applied:') });

        const ds = new DataSource(dataSourceOptions(url, 2));
        const holder = new Client({ connectionString: url });
        await ds.initialize();
        await holder.connect();
        try {
          const applied = await ds.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
          expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
          // Behind PgBouncer in transaction mode a session lock can stay held by a pooled server connection. A
          // pod that finds nothing pending must not ask for it: here another session holds it the whole time.
          await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
          let booted = false;
          const boot = new MigrationRunner(ds).onModuleInit().then(() => {
            booted = true;
          });
          try {
            await pollUntil(
              async () => booted,
              (b) => b,
              { timeoutMs: 15_000, what: 'the boot migration check to finish while the lock is held elsewhere' },
            );
          } finally {
            await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
            await boot;
          }
        } finally {
          await holder.end();
          await ds.destroy();
        }
      });
    });
  });

  describe('values-production.yaml', () => {
    it('lints and renders: existing Secrets, NetworkPolicy, ServiceMonitor without pod annotations, within its budget', () => {
      const res = helm(['lint', '--strict', CHART], undefined, [PRODUCTION_FILE]);
      expect(res.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      const objects = render(undefined, [PRODUCTION_FILE]);
      const production = parse(readFileSync(PRODUCTION_FILE, 'utf8')) as { database: { maxConnections: number } };
      const budget = connectionBudget(objects);
      expect(budget).toEqual({ apiPods: 25, apiPool: 10, bot: 10, migrations: 2, total: 262 });
      expect(budget.total).toBeLessThanOrEqual(production.database.maxConnections);
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(3);
      one(objects, 'ServiceMonitor', FULL);
      expect(one(objects, 'Deployment', `${FULL}-api`).spec.template.metadata.annotations['prometheus.io/scrape']).toBeUndefined();
      for (const name of [`${FULL}-api`, `${FULL}-bot`]) {
        const config = appConfigOf(objects, one(objects, 'Deployment', name));
        expect({ name, pool: config.DATABASE_POOL_SIZE, env: config.NODE_ENV }).toEqual({ name, pool: 10, env: 'production' });
      }
    });
  });

  it('keeps the chart’s copies of the dashboards and alert rules identical to grafana/', () => {
    const dashboards = readdirSync(join(ROOT, 'grafana'))
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(readdirSync(join(CHART, 'dashboards')).sort()).toEqual(dashboards);
    for (const file of dashboards) {
      expect({ file, same: readFileSync(join(CHART, 'dashboards', file), 'utf8') === readFileSync(join(ROOT, 'grafana', file), 'utf8') }).toEqual({
        file,
        same: true,
      });
    }
    expect(readFileSync(join(CHART, 'alerts', 'alerts.yml'), 'utf8')).toBe(readFileSync(join(ROOT, 'grafana', 'alerts.yml'), 'utf8'));
  });
});

describe('Dockerfile', () => {
  // No container engine runs here, so the image cannot be built in tests; its structure is checked instead.
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const stages = dockerfile
    .split(/^FROM /m)
    .slice(1)
    .map((s) => `FROM ${s}`);
  const runtime = stages[stages.length - 1];

  it('is multi-stage on node:20-bookworm-slim: npm ci, build, prune dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/^FROM node:20-bookworm-slim AS build/);
    expect(runtime).toMatch(/^FROM node:20-bookworm-slim AS runtime/);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/npm run build && npm prune --omit=dev/);
  });

  it('copies only package.json, node_modules and dist into the runtime stage', () => {
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY'));
    expect(copies.map((l) => l.replace(/^COPY --from=build \/app\/(\S+) .*$/, '$1')).sort()).toEqual(['dist', 'node_modules', 'package.json']);
  });

  it('runs as the non-root uid the chart expects, exposes the app port and starts the compiled entry file', () => {
    const user = runtime.match(/^USER (\S+)$/m)?.[1];
    expect(user).toBe(`${chartValues.podSecurityContext.runAsUser}:${chartValues.podSecurityContext.runAsUser}`);
    expect(lines.filter((l) => l.startsWith('USER')).pop()).toBe(`USER ${user}`);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${chartValues.containerPort}$`, 'm'));
    const entry = (JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as { entryFile: string }).entryFile;
    expect(lines[lines.length - 1]).toBe(`CMD ["node", "dist/${entry}.js"]`);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.data', '.env', '.env.*']));
    for (const needed of ['src', 'migrations', 'package.json', 'package-lock.json']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
