/**
 * `stampede compare --format html`: one self-contained file (uPlot inlined from node_modules, no
 * CDN: the machine may be offline) that overlays, per step, both runs' percentile distributions
 * on a log axis of 1/(1-q) as the HdrHistogram plotter does, and both runs' p99 over time.
 * Everything from the runs is escaped: text through `escapeHtml`, data as script-safe JSON.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { RunData } from '../run-dir/run-data.js';
import type { Comparison } from './compare-runs.js';
import { renderCompareMarkdown } from './compare-tables.js';

/** Escapes text for HTML element bodies and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that cannot close the script element it sits in. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** Quantiles from 0 to 99.999 %, evenly spread on the 1/(1-q) log axis (4 points a decade). */
const QUANTILES = Array.from({ length: 21 }, (_, k) => 1 - 10 ** (-k / 4));

function distribution(h: Histogram | undefined): (number | null)[] {
  return QUANTILES.map((q) => (h && h.totalCount > 0 ? h.getValueAtPercentile(100 * q) / 1000 : null));
}

function p99OverTime(run: RunData, step: string, times: readonly number[]): (number | null)[] {
  const i = run.meta.steps.indexOf(step);
  const byT = new Map(run.series.map((r) => [r.tS, i < 0 ? null : (r.steps[i]?.latencyMs?.p99 ?? null)]));
  return times.map((t) => byT.get(t) ?? null);
}

const SCRIPT = `
const data = JSON.parse(document.getElementById('compare-data').textContent);
const colors = ['#1f77b4', '#d62728'];
const series = (label) => [{}, { label: 'base ' + label, stroke: colors[0], width: 2 }, { label: 'candidate ' + label, stroke: colors[1], width: 2 }];
for (const s of data.steps) {
  const box = document.createElement('section');
  const h = document.createElement('h2');
  h.textContent = s.step + ': ' + s.verdict;
  box.appendChild(h);
  document.getElementById('charts').appendChild(box);
  new uPlot({ title: 'latency by percentile (ms)', width: 760, height: 300,
    scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
    axes: [{ values: (u, v) => v.map((x) => (100 * (1 - 1 / x)).toPrecision(6).replace(/\\.?0+$/, '') + '%') }, {}],
    series: series('latency') }, [data.x, s.dist.base, s.dist.candidate], box);
  new uPlot({ title: 'p99 over time (ms, seconds from t0)', width: 760, height: 260,
    scales: { x: { time: false } }, series: series('p99') }, [s.times, s.p99.base, s.p99.candidate], box);
}
`;

/** Renders the comparison as one self-contained HTML page. */
export function renderCompareHtml(c: Comparison, base: RunData, candidate: RunData): string {
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const hist = (run: RunData, step: string) => run.histograms.find((h) => h.step === step)?.latency;
  const data = {
    x: QUANTILES.map((q) => 1 / (1 - q)),
    steps: c.steps.map((s) => {
      const times = [
        ...new Set([...base.series.map((r) => r.tS), ...candidate.series.map((r) => r.tS)]),
      ].sort((a, b) => a - b);
      return {
        step: s.step,
        verdict: s.verdict.verdict,
        dist: { base: distribution(hist(base, s.step)), candidate: distribution(hist(candidate, s.step)) },
        times,
        p99: { base: p99OverTime(base, s.step, times), candidate: p99OverTime(candidate, s.step, times) },
      };
    }),
  };
  const title = `stampede compare: ${c.base.profile} vs ${c.candidate.profile}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css.replace(/<\/style/gi, '<\\/style')}
body { font: 14px system-ui, sans-serif; margin: 1.5em; max-width: 900px; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<pre>${escapeHtml(renderCompareMarkdown(c))}</pre>
<div id="charts"></div>
<script type="application/json" id="compare-data">${scriptSafeJson(data)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
