/**
 * The PromQL of docs/grafana-dashboard.json: every panel target's `expr` (rows' panels included)
 * and every templating query, with the metric names each one reads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DASHBOARD = fileURLToPath(new URL('../../docs/grafana-dashboard.json', import.meta.url));

interface Panel {
  readonly title?: string;
  readonly targets?: ReadonlyArray<{ readonly expr?: string }>;
  readonly panels?: readonly Panel[];
}

/** One query of the dashboard and where it is. */
export interface DashboardQuery {
  readonly where: string;
  readonly expr: string;
}

/** Parses the dashboard file (throws on invalid JSON) and lists its queries. */
export function dashboardQueries(): DashboardQuery[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: Array<{ name: string; type: string; query?: string | { query: string } }> };
  };
  const out: DashboardQuery[] = [];
  const walk = (panels: readonly Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? [])
        if (t.expr !== undefined) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  for (const v of dash.templating.list) {
    if (v.type !== 'query' || v.query === undefined) continue;
    out.push({ where: `variable $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query });
  }
  return out;
}

/** Metric names in a PromQL expression: identifiers not followed by `(` and outside strings, `by (...)`. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(?:by|without)\s*\([^)]*\)/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\()/g)) {
    if (m[0].startsWith('stampede_')) names.add(m[0]);
  }
  return [...names];
}

/** The expression made runnable outside Grafana ($variables matching everything). */
export function withoutVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval/g, '5s')
    .replace(/label_values\(([^,]+),\s*\w+\)/, '$1')
    .replace(/\$\w+/g, '.*')
    .replace(/step="\.\*"/g, 'step=~".*"');
}
