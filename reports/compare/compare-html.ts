/**
 * `stampede compare --format html`: one self-contained file (uPlot inlined from node_modules, no
 * CDN: the machine may be offline) to keep beside the run reports. At the top the mismatch banner
 * (when compared despite one), then the verdict table (one row per judged figure), then per step
 * both runs' ok-latency percentile distributions on a log axis of 1/(1-q) as the HdrHistogram
 * plotter does, and both runs' ok p99 over time. Everything from the runs is escaped: text
 * through `escapeHtml`, data as script-safe JSON.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { RunData } from '../run-dir/run-data.js';
import type { Comparison } from './compare-runs.js';
import { bannerLines, VERDICT_HEADER, verdictCells, verdictLine } from './compare-tables.js';

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
  const byT = new Map(run.series.map((r) => [r.tS, i < 0 ? null : (r.steps[i]?.latencyOkMs?.p99 ?? null)]));
  return times.map((t) => byT.get(t) ?? null);
}

const SCRIPT = `
const data = JSON.parse(document.getElementById('compare-data').textContent);
const colors = ['#1f77b4', '#d62728'];
const series = (label) => [{}, { label: 'base ' + label, stroke: colors[0], width: 2 }, { label: 'candidate ' + label, stroke: colors[1], width: 2 }];
for (const s of data.steps) {
  const box = document.createElement('section');
  box.dataset.chart = s.step;
  const h = document.createElement('h2');
  h.textContent = s.step + ': ' + s.verdict;
  box.appendChild(h);
  document.getElementById('charts').appendChild(box);
  new uPlot({ title: 'ok latency by percentile (ms)', width: 760, height: 300,
    scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
    axes: [{ values: (u, v) => v.map((x) => (100 * (1 - 1 / x)).toPrecision(6).replace(/\\.?0+$/, '') + '%') }, {}],
    series: series('latency') }, [data.x, s.dist.base, s.dist.candidate], box);
  new uPlot({ title: 'ok p99 over time (ms, seconds from t0)', width: 760, height: 260,
    scales: { x: { time: false } }, series: series('p99') }, [s.times, s.p99.base, s.p99.candidate], box);
}
document.body.dataset.charts = String(data.steps.length);
`;

/** Renders the comparison as one self-contained HTML page. */
export function renderCompareHtml(c: Comparison, base: RunData, candidate: RunData): string {
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const hist = (run: RunData, step: string) => run.histograms.find((h) => h.step === step)?.latencyOk;
  const times = [...new Set([...base.series.map((r) => r.tS), ...candidate.series.map((r) => r.tS)])].sort(
    (a, b) => a - b,
  );
  const data = {
    x: QUANTILES.map((q) => 1 / (1 - q)),
    steps: c.figures
      .filter((f) => f.scope === 'step' && f.figure === 'ok latency')
      .map((f) => ({
        step: f.subject,
        verdict: f.verdict,
        dist: {
          base: distribution(hist(base, f.subject)),
          candidate: distribution(hist(candidate, f.subject)),
        },
        times,
        p99: {
          base: p99OverTime(base, f.subject, times),
          candidate: p99OverTime(candidate, f.subject, times),
        },
      })),
  };
  const title = `stampede compare: ${c.base.profile} vs ${c.candidate.profile}`;
  const banner = bannerLines(c)
    .map((b) => `<p class="${b.startsWith('MISMATCH') ? 'mismatch' : 'note'}">${escapeHtml(b)}</p>`)
    .join('\n');
  const head = VERDICT_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = c.figures
    .map((f) => {
      const cells = verdictCells(f)
        .map((cell) => `<td>${escapeHtml(cell)}</td>`)
        .join('');
      return `<tr class="${f.verdict.replace(/ /g, '-')}" title="${escapeHtml(f.detail)}">${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css.replace(/<\/style/gi, '<\\/style')}
body { font: 14px system-ui, sans-serif; margin: 1.5em; max-width: 900px; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
td:nth-child(2), td:nth-child(1) { text-align: left; }
tr.regressed { background: #fdd; }
tr.improved { background: #dfd; }
.mismatch { background: #fd8; border: 2px solid #c60; padding: 0.5em; font-weight: bold; }
.note { color: #555; }
</style>
</head>
<body>
${banner}
<h1>${escapeHtml(title)}</h1>
<p id="verdict">${escapeHtml(verdictLine(c))}</p>
<table id="verdicts"><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Latency method: ${escapeHtml(c.method)}; alpha ${c.thresholds.alpha}.</p>
<div id="charts"></div>
<script type="application/json" id="compare-data">${scriptSafeJson(data)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
