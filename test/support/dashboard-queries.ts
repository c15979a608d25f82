import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GRAFANA_DIR = join(__dirname, '..', '..', 'grafana');

export interface DashboardTarget {
  datasource?: { type?: string; uid?: string };
  expr?: string;
  refId?: string;
}
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: { color: string; value: number | null }[] } } };
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  refresh: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: string }[] };
  annotations: { list: { name: string; expr?: string; datasource?: { type?: string; uid?: string } }[] };
}

/** One PromQL expression shown by a dashboard panel. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** Every `grafana/*.json` dashboard, by file name. */
export function loadDashboards(dir = GRAFANA_DIR): Map<string, Dashboard> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard]));
}

/** Panels including those nested in collapsed rows. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/**
 * Every panel query of every dashboard. The dashboards use no Grafana macros ($__rate_interval, ...)
 * in expressions, so each one can be sent to Prometheus exactly as written.
 */
export function dashboardQueries(dir = GRAFANA_DIR): PanelQuery[] {
  return [...loadDashboards(dir)].flatMap(([file, d]) =>
    allPanels(d).flatMap((p) =>
      (p.targets ?? [])
        .filter((t) => typeof t.expr === 'string' && t.expr.trim() !== '')
        .map((t) => ({ dashboard: file, panel: p.title, refId: t.refId ?? '?', expr: t.expr as string })),
    ),
  );
}
