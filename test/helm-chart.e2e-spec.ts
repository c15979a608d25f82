import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadConfig, SETTINGS } from '../src/config/app-config';

/*
 * Renders helm/agis-bot with the real helm binary (scripts/ensure-test-deps.sh installs it) and checks the
 * objects a cluster would receive. No cluster is involved: `helm template` and `helm install --dry-run=client`.
 */

const ROOT = join(__dirname, '..');
const CHART = join(ROOT, 'helm', 'agis-bot');
const RELEASE = 'prod';
const NAMESPACE = 'agis';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are free-form YAML */
type K8s = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } };

function helm(args: string[], values?: object): { code: number; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'agis-helm-'));
  try {
    const extra: string[] = [];
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

function render(values?: object): K8s[] {
  const res = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE], values);
  if (res.code !== 0) {
    throw new Error(`helm template failed:\n${res.stderr}`);
  }
  const docs = parseAllDocuments(res.stdout);
  for (const d of docs) {
    expect(d.errors).toEqual([]);
  }
  return docs.map((d) => d.toJS() as K8s | null).filter((o): o is K8s => o !== null);
}

function renderError(values: object): string {
  const res = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE], values);
  expect(res.code).not.toBe(0);
  return res.stderr;
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
  return Object.fromEntries(envOf(deployment).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const FULL = `${RELEASE}-agis-bot`;
const chartValues = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { config: Record<string, unknown>; podSecurityContext: { runAsUser: number }; containerPort: number };
// Set by the chart itself (REWARDS_SECRET_<PROVIDER> from rewards.secrets), never through values.config.
const CHART_MANAGED = ['AGIS_ROLES', 'PORT', 'HOST', 'AGONES_NAMESPACE', 'GAME_CATALOG_FILE', 'DATABASE_URL', 'DISCORD_TOKEN', 'REDIS_URL', 'WEBHOOK_SECRET_KEY'];
const chartManaged = (env: string) => CHART_MANAGED.includes(env) || env.startsWith('REWARDS_SECRET_');

const PRODUCTION = {
  image: { repository: 'registry.example.org/wtg/agis', tag: '1.4.2', pullPolicy: 'Always' },
  imagePullSecrets: [{ name: 'regcred' }],
  config: { LOG_LEVEL: 'warn', PUBLIC_URL: 'https://agis.example.org', DATABASE_POOL_SIZE: 25, BILLING_TICK_MS: 60000 },
  database: { url: 'postgres://agis:pw@db.internal:5432/agis?sslmode=require' },
  discord: { token: 'discord-bot-token' },
  redis: { url: 'redis://redis.internal:6379/0' },
  rewards: { secrets: { offerwall: 'ow-secret', survey: 'survey-secret' }, existingSecret: 'agis-rewards' },
  gameCatalog: { minecraft: { costPerHour: 30, image: 'itzg/minecraft-server:2024.1' } },
  extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
  extraEnvFrom: [{ configMapRef: { name: 'agis-extra' } }],
  agones: { namespace: 'game-servers' },
  api: {
    autoscaling: { minReplicas: 3, maxReplicas: 20, targetMemoryUtilizationPercentage: 80 },
    podDisruptionBudget: { minAvailable: 2, maxUnavailable: '' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  },
  ingress: {
    enabled: true, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    hosts: [{ host: 'agis.example.org', paths: [{ path: '/api', pathType: 'Prefix' }] }],
    tls: [{ secretName: 'agis-tls', hosts: ['agis.example.org'] }],
  },
  monitoring: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } }, prometheusRule: { enabled: true } },
  grafana: { dashboards: { namespace: 'monitoring', annotations: { grafana_folder: 'agis' } } },
};

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
        Deployment: 'apps/v1', Service: 'v1', ConfigMap: 'v1', Secret: 'v1', ServiceAccount: 'v1',
        HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1', Ingress: 'networking.k8s.io/v1',
        Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
        ServiceMonitor: 'monitoring.coreos.com/v1', PrometheusRule: 'monitoring.coreos.com/v1',
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
          allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
          capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container(d).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: expect.any(Object) });
        expect(pod.serviceAccountName).toBe(FULL);
      }
    });

    it('grants exactly create, get, list, watch, delete on agones.dev gameservers in the game namespace', () => {
      const gameNamespace = values ? 'game-servers' : NAMESPACE;
      const role = one(objects, 'Role', `${FULL}-gameservers`);
      expect(role.metadata.namespace).toBe(gameNamespace);
      expect(role.rules).toEqual([{ apiGroups: ['agones.dev'], resources: ['gameservers'], verbs: ['create', 'get', 'list', 'watch', 'delete'] }]);
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

    it('sets the production settings and takes DATABASE_URL and DISCORD_TOKEN from a Secret', () => {
      for (const d of [api, bot]) {
        expect(plainEnv(d)).toMatchObject({ AGONES_MODE: 'kubernetes', NODE_ENV: 'production', DEMO_SEED: 'false', LOG_LEVEL: values ? 'warn' : 'info' });
        const env = envOf(d);
        for (const name of ['DATABASE_URL', 'DISCORD_TOKEN']) {
          const e = env.find((x) => x.name === name);
          expect({ name, ref: e?.valueFrom?.secretKeyRef?.name }).toEqual({ name, ref: values ? FULL : 'agis-bot-secrets' });
          expect(e?.value).toBeUndefined();
        }
        expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
      }
    });

    it('gives the app a configuration it accepts, naming only settings the app reads', () => {
      const secret = objects.find((o) => o.kind === 'Secret');
      const stand_in: Record<string, string> = { DATABASE_URL: 'postgres://agis@db:5432/agis', DISCORD_TOKEN: 'token', REDIS_URL: 'redis://redis:6379' };
      const extra = new Set((values?.extraEnv ?? []).map((e) => e.name));
      const known = new Set(SETTINGS.map((s) => s.env));
      for (const d of [api, bot]) {
        const env: Record<string, string> = {};
        for (const e of envOf(d)) {
          if (!extra.has(e.name)) {
            expect({ env: e.name, known: known.has(e.name) || e.name.startsWith('REWARDS_SECRET_') }).toEqual({ env: e.name, known: true });
          }
          const ref = e.valueFrom?.secretKeyRef;
          env[e.name] = e.value ?? (ref && ref.name === secret?.metadata.name ? secret?.stringData[ref.key] : stand_in[e.name]);
        }
        const config = loadConfig(env);
        expect(config.AGONES_MODE).toBe('kubernetes');
        expect(config.DEMO_SEED).toBe(false);
        expect(config.AGIS_ROLES).toEqual(d === api ? ['api', 'scheduler'] : ['bot']);
        expect(config.DATABASE_URL).toBe(values ? PRODUCTION.database.url : stand_in.DATABASE_URL);
      }
    });

    it('ships both dashboards in a ConfigMap labelled for the Grafana sidecar, identical to grafana/*.json', () => {
      const cm = one(objects, 'ConfigMap', `${FULL}-dashboards`);
      expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
      expect(cm.metadata.namespace).toBe(values ? 'monitoring' : NAMESPACE);
      expect(Object.keys(cm.data).sort()).toEqual(['agis-overview.json', 'agis-revenue.json']);
      for (const file of Object.keys(cm.data)) {
        expect(JSON.parse(cm.data[file])).toEqual(JSON.parse(readFileSync(join(ROOT, 'grafana', file), 'utf8')));
      }
    });

    it('adds Prometheus scrape annotations for /metrics on the http port', () => {
      for (const d of [api, bot]) {
        expect(d.spec.template.metadata.annotations).toMatchObject({
          'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(chartValues.containerPort),
        });
      }
    });
  });

  describe('with its own values', () => {
    it('creates no Secret, Ingress, ServiceMonitor or PrometheusRule, and references the agis-bot-secrets Secret', () => {
      const objects = render();
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'ConfigMap', 'Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget',
        'Role', 'RoleBinding', 'Service', 'Service', 'ServiceAccount',
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
    beforeAll(() => { objects = render(PRODUCTION); });

    it('stores the literal secrets in its own Secret, provider secrets as REWARDS_SECRET_<PROVIDER>', () => {
      const secret = one(objects, 'Secret', FULL);
      expect(secret.stringData).toEqual({
        DATABASE_URL: PRODUCTION.database.url, DISCORD_TOKEN: PRODUCTION.discord.token, REDIS_URL: PRODUCTION.redis.url,
        REWARDS_SECRET_OFFERWALL: 'ow-secret', REWARDS_SECRET_SURVEY: 'survey-secret',
      });
      const api = one(objects, 'Deployment', `${FULL}-api`);
      expect(envOf(api)).toEqual(expect.arrayContaining([
        { name: 'REWARDS_SECRET_SURVEY', valueFrom: { secretKeyRef: { name: FULL, key: 'REWARDS_SECRET_SURVEY' } } },
        { name: 'NODE_OPTIONS', value: '--max-old-space-size=384' },
      ]));
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
      const api = one(objects, 'Deployment', `${FULL}-api`);
      expect(plainEnv(api).GAME_CATALOG_FILE).toBe('/etc/agis/game-catalog.json');
      expect(container(api).volumeMounts).toContainEqual({ name: 'game-catalog', mountPath: '/etc/agis', readOnly: true });
      expect(api.spec.template.spec.volumes).toContainEqual({ name: 'game-catalog', configMap: { name: cm.metadata.name } });
    });

    it('routes only /api through the Ingress, with TLS', () => {
      const ingress = one(objects, 'Ingress', FULL);
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.spec.tls).toEqual([{ secretName: 'agis-tls', hosts: ['agis.example.org'] }]);
      expect(ingress.spec.rules).toEqual([{ host: 'agis.example.org', http: { paths: [
        { path: '/api', pathType: 'Prefix', backend: { service: { name: FULL, port: { number: 80 } } } },
      ] } }]);
    });

    it('refuses an Ingress path that would publish /metrics or the probes', () => {
      const stderr = renderError({ ...PRODUCTION, ingress: { ...PRODUCTION.ingress, hosts: [{ host: 'agis.example.org', paths: [{ path: '/' }] }] } });
      expect(stderr).toMatch(/would expose \/metrics or the probes/);
    });

    it('scrapes /metrics of api and bot through a ServiceMonitor, and ships the alert rules as a PrometheusRule', () => {
      const sm = one(objects, 'ServiceMonitor', FULL);
      expect(sm.metadata.labels?.release).toBe('kube-prometheus-stack');
      expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      const services = objects.filter((o) => o.kind === 'Service');
      expect(services.map((s) => s.metadata.name).sort()).toEqual([FULL, `${FULL}-bot`]);
      for (const s of services) {
        expect(selects(sm.spec.selector.matchLabels, s.metadata.labels)).toBe(true);
        expect(s.metadata.labels?.[sm.spec.jobLabel]).toBe('agis-bot');
      }
      const rule = one(objects, 'PrometheusRule', FULL);
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
      expect(renderError({ api: { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } } })).toMatch(/exactly one of minAvailable and maxUnavailable/);
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
  });

  it('keeps the chart’s copies of the dashboards and alert rules identical to grafana/', () => {
    const dashboards = readdirSync(join(ROOT, 'grafana')).filter((f) => f.endsWith('.json')).sort();
    expect(readdirSync(join(CHART, 'dashboards')).sort()).toEqual(dashboards);
    for (const file of dashboards) {
      expect({ file, same: readFileSync(join(CHART, 'dashboards', file), 'utf8') === readFileSync(join(ROOT, 'grafana', file), 'utf8') })
        .toEqual({ file, same: true });
    }
    expect(readFileSync(join(CHART, 'alerts', 'alerts.yml'), 'utf8')).toBe(readFileSync(join(ROOT, 'grafana', 'alerts.yml'), 'utf8'));
  });
});

describe('Dockerfile', () => {
  // No container engine runs here, so the image cannot be built in tests; its structure is checked instead.
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => `FROM ${s}`);
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
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.data', '.env', '.env.*']));
    for (const needed of ['src', 'migrations', 'package.json', 'package-lock.json']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
