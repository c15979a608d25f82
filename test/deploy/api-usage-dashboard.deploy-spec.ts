import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { allPanels, GRAFANA_DIR, loadDashboards, type PanelQuery } from '../support/dashboard-queries';
import { createUser, type TestUser } from '../support/factories';
import { metricSum } from '../support/metric-sum';
import { type PrometheusServer, type PromQueryResult, startPrometheus } from '../support/prometheus';
import { createTestApp, type TestApp } from '../support/test-app';

const FILE = 'agis-api-usage.json';
const RATE_LIMIT = 40;

/** Why a panel would show nothing: the expression does not parse, names no exported series, or has no number to plot. */
function panelProblems(q: PanelQuery, res: PromQueryResult): string[] {
  const where = `"${q.panel}" (${q.refId}) ${q.expr}`;
  if (q.expr.includes('$')) {
    return [`${where}: uses a Grafana variable or macro this test cannot resolve`];
  }
  if (res.status !== 'success') {
    return [`${where}: does not parse (${res.error})`];
  }
  if (!res.result.some((s) => Number.isFinite(Number(s.value[1])))) {
    return [`${where}: returns no number (${res.result.length} series)`];
  }
  return [];
}

describe('The "API usage" dashboard against a real Prometheus scraping the app', () => {
  let t: TestApp;
  let prom: PrometheusServer;
  let busy: TestUser;
  let quiet: TestUser;
  const dashboard = loadDashboards().get(FILE)!;
  const queries: PanelQuery[] = allPanels(dashboard).flatMap((p) =>
    (p.targets ?? []).filter((x) => x.expr).map((x) => ({ dashboard: FILE, panel: p.title, refId: x.refId ?? '?', expr: x.expr! })),
  );

  /** Two keys: the busy one sends `pairs` successes and as many 404s, the quiet one two successes. */
  async function workload(pairs: number): Promise<void> {
    for (let i = 0; i < 2; i++) {
      await t.http().get('/api/v1/users/me').set(quiet.auth);
    }
    for (let i = 0; i < pairs; i++) {
      await t.http().get('/api/v1/users/me').set(busy.auth);
      await t.http().get('/api/v1/servers/00000000-0000-4000-8000-000000000000').set(busy.auth);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) }, { listen: true });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    prom = await startPrometheus({ target: `127.0.0.1:${port}` });
    busy = await createUser(t);
    quiet = await createUser(t);
    await prom.waitForScrape(Date.now());
    // Wave one creates the series; waves two and three increase them, and the third uses up the busy key's
    // minute (40 requests): 36 + 4 pass, the last 6 are refused with 429.
    await workload(9);
    await prom.waitForScrape(Date.now());
    await workload(9);
    await workload(5);
    await prom.waitForScrape(Date.now());
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await t?.close();
  });

  it('has the four panels the issue names, refreshes every 30 s and marks restarts', () => {
    expect(dashboard.title).toBe('agis — API usage');
    expect(dashboard.refresh).toBe('30s');
    expect(allPanels(dashboard).map((p) => [p.title, p.type])).toEqual(
      expect.arrayContaining([
        ['Top API Keys by Requests (1h)', 'bargauge'],
        ['Error Ratio per API Key', 'timeseries'],
        ['API Latency per Route (p95)', 'timeseries'],
        ['Rate-limit Refusals per API Key', 'timeseries'],
      ]),
    );
    expect(dashboard.annotations.list.map((a) => a.expr)).toContain('changes(process_start_time_seconds[5m]) > 0');
    expect(readFileSync(join(GRAFANA_DIR, '..', 'helm', 'agis-bot', 'dashboards', FILE), 'utf8')).toBe(readFileSync(join(GRAFANA_DIR, FILE), 'utf8'));
  });

  it('evaluates every panel query through Prometheus: each parses and returns data', async () => {
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const q of queries) {
      problems.push(...panelProblems(q, await prom.query(q.expr)));
    }
    expect(problems).toEqual([]);
  });

  it('shows the workload per key: the busiest key on top, its error ratio, its refusals', async () => {
    const text = (await t.http().get('/metrics')).text;
    const busyId = busy.key.split('_')[1];
    const quietId = quiet.key.split('_')[1];
    expect(metricSum(text, 'agis_api_rate_limited_total', { key_id: busyId })).toBe(6);
    expect(metricSum(text, 'agis_api_requests_total', { key_id: busyId })).toBe(40);
    const byKey = async (title: string) => {
      const q = queries.find((x) => x.panel === title)!;
      const res = await prom.query(q.expr);
      return new Map(res.result.map((s) => [s.metric.key_id, Number(s.value[1])]));
    };
    const top = await byKey('Top API Keys by Requests (1h)');
    expect(top.get(busyId)).toBeGreaterThan(top.get(quietId)!);
    const ratio = await byKey('Error Ratio per API Key');
    // Prometheus extrapolates rates over the window, but a ratio of two rates from the same series keeps its value.
    expect(ratio.get(quietId)).toBe(0);
    expect(ratio.get(busyId)).toBeCloseTo(0.5, 1);
    const refusals = await byKey('Rate-limit Refusals per API Key');
    expect(refusals.get(busyId)).toBeGreaterThan(0);
  });
});
