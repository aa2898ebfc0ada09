/**
 * report.html: one self-contained page that works offline (the machine of a relaunch rehearsal may
 * have no internet). uPlot's script and stylesheet are read from node_modules at render time and
 * inlined; the run's figures are embedded as JSON; every run-provided string is escaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunData } from '../run-dir/run-data.js';
import {
  backlogText,
  clockOf,
  fallBehindSentence,
  fmtCount,
  fmtOffset,
  gateLine,
  latencyModelText,
  latenessText,
  metastableSentence,
  TAKEDOWN_HEAD,
  takeDownRow,
  validityLines,
} from './figures-format.js';
import { reportChartData } from './html-report-data.js';
import { REPORT_SCRIPT } from './html-report-script.js';
import { mailSectionHtml } from './mail-section.js';
import { STEP_TABLE_HEAD, STEP_TABLE_NOTE, stepTableRows } from './step-table.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let assets: { js: string; css: string } | null = null;

/** uPlot's minified script and stylesheet, read once from the installed package. */
function uplotAssets(): { js: string; css: string } {
  if (assets === null) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    // Inlined verbatim, so a literal end tag inside it would end the element early.
    assets = { js: js.replace(/<\/script/gi, '<\\/script'), css: css.replace(/<\/style/gi, '<\\/style') };
  }
  return assets;
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px auto; max-width: 1140px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 9px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.l, th.l { text-align: left; }
th { background: #f4f4f4; font-weight: 600; }
.aborted { background: #fdecea; border: 1px solid #f5c2bd; padding: 8px 12px; border-radius: 4px; }
.behind { color: #a11; } .ok { color: #176a1f; }
.chart { margin: 14px 0 22px; }
.note { color: #666; font-size: 12px; }
`;

function row(cells: readonly string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function stepTable(run: RunData): string {
  const body = stepTableRows(run).map((cells) => row(cells.map(escapeHtml)));
  return `<table>${row(STEP_TABLE_HEAD, true)}${body.join('')}</table><p class="note">${escapeHtml(STEP_TABLE_NOTE)}</p>`;
}

function takeDownTable(run: RunData): string {
  const t = run.summary.takedowns;
  if (t.length === 0) return '';
  const body = t.map((x) => row(takeDownRow(x).map(escapeHtml)));
  return `<h2>Take-downs</h2><p class="note">Planned outages: reported here, never as falling behind. Drain: time after the end until every step's backlog and latency were back to baseline.</p><table>${row(TAKEDOWN_HEAD, true)}${body.join('')}</table>`;
}

function overview(run: RunData): string {
  const s = run.summary;
  const parts = [
    ...validityLines(s).map((l) => `<p class="aborted"><b>${escapeHtml(l)}</b></p>`),
    `<h1>stampede: ${escapeHtml(s.profile.name)}</h1>`,
    `<p class="sub">target ${escapeHtml(s.target)}, engine ${escapeHtml(s.engine)}; ${escapeHtml(latencyModelText(s.latencyModel))}<br>` +
      `started ${escapeHtml(s.startedAt)}, ${escapeHtml(fmtCount(s.durationS))} s in ${s.intervalS} s intervals; ` +
      `sessions ${fmtCount(s.arrivals)} arrived, ${fmtCount(s.started)} started, ${fmtCount(s.dropped)} dropped, ` +
      `${fmtCount(s.completed)} completed${s.succeeded === null ? '' : `, ${fmtCount(s.succeeded)} succeeded`}; ${escapeHtml(latenessText(s))}<br>${escapeHtml(backlogText(s))}</p>`,
  ];
  if (s.aborted) {
    parts.push(
      `<p class="aborted"><b>Aborted:</b> ${escapeHtml(s.abortReason ?? 'no reason given')} (partial results)</p>`,
    );
  }
  for (const d of s.degraded) parts.push(`<p class="aborted">degraded: ${escapeHtml(d)}</p>`);
  return parts.join('\n');
}

function findings(run: RunData): string {
  const fb = run.summary.fellBehind;
  const fall =
    fb === null
      ? '<p class="ok">No step fell behind: every step kept up with its offered load.</p>'
      : `<ul>${fb.map((f) => `<li class="behind">${escapeHtml(fallBehindSentence(f))}</li>`).join('')}</ul>`;
  const gates = run.summary.gates;
  const gateHtml =
    gates === null
      ? ''
      : `<h2>Gates</h2><ul>${gates.map((g) => `<li class="${g.pass ? 'ok' : 'behind'}">${escapeHtml(gateLine(g))}</li>`).join('')}</ul>`;
  const t0 = run.meta.t0Ms;
  const events =
    run.events.length === 0
      ? ''
      : `<h2>Events</h2><table>${row(['when', 'time', 'kind', 'detail'], true)}${run.events
          .map((e) =>
            row(
              [
                fmtOffset(Math.round((e.atMs - t0) / 100) / 10),
                clockOf(new Date(e.atMs).toISOString()),
                e.kind,
                e.detail,
              ].map(escapeHtml),
            ),
          )
          .join('')}</table>`;
  const meta = run.summary.metastable;
  const metaHtml =
    meta === null
      ? ''
      : `<h2>Metastability</h2><ul>${meta.map((m) => `<li class="behind">${escapeHtml(metastableSentence(m))}</li>`).join('')}</ul>`;
  const mail = run.summary.mail ? mailSectionHtml(run.summary.mail) : '';
  return `${takeDownTable(run)}${mail}<h2>Fall-behind</h2>${fall}${metaHtml}${gateHtml}${events}`;
}

function settingsTable(run: RunData): string {
  const m = run.meta;
  const entries: [string, string][] = [
    ['profile file', m.profile.file],
    ['profile hash', m.profile.hash],
    ['latency model', `${m.latencyModel}: ${latencyModelText(m.latencyModel)}`],
    ['planned duration', `${m.plannedDurationS} s`],
    ['interval', `${m.intervalMs} ms`],
    ['workers', String(m.workers)],
    ['shard', m.shard ? `${m.shard.index + 1}/${m.shard.count}` : 'whole stream'],
    ...m.outages.map((o): [string, string] => [
      `outage ${o.name}`,
      `+${o.startS} s for ${o.durationS} s${o.regions.length > 0 ? ` (${o.regions.join(', ')})` : ''}`,
    ]),
    ...Object.entries(m.settings).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  const rows = entries.map(
    ([k, v]) => `<tr><td class="l">${escapeHtml(k)}</td><td class="l">${escapeHtml(v)}</td></tr>`,
  );
  return `<h2>Settings</h2><table>${rows.join('')}</table>`;
}

/** A titled chart container; an empty placeholder when there is nothing to draw. */
function chartBlock(title: string, id: string, present: boolean): string {
  if (!present) return `<div id="${id}"></div>`;
  return `<h2>${escapeHtml(title)}</h2>\n<div class="chart" id="${id}" data-chart="${id}"></div>`;
}

/** The whole self-contained page. */
export function renderHtml(run: RunData): string {
  const { js, css } = uplotAssets();
  const data = reportChartData(run);
  const title = `stampede report: ${run.summary.profile.name} ${run.summary.startedAt}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${overview(run)}
<h2>Steps</h2>
${stepTable(run)}
${findings(run)}
<h2>Latency over time</h2>
<p class="note">Per step: p50, p99 and max latency (log scale, left) against offered and achieved (ok) requests per second (right). Grey bands are outage windows; dashed lines mark where the step fell behind and recovered.</p>
<div id="timelines"></div>
${chartBlock('Percentile distribution', 'distribution', data.distribution.steps.length > 0)}
${chartBlock('Outcomes over time', 'outcomes', data.outcomes.length > 0)}
${chartBlock('Backlog', 'backlog', data.backlog.series.length > 0)}
${chartBlock(
  'User wait',
  'user-wait',
  data.steps.some((st) => st.userWaitP99.some((v) => v !== null)),
)}
${chartBlock('Target metrics', 'metrics', data.metrics !== null)}
${settingsTable(run)}
<script type="application/json" id="stampede-data">${scriptSafeJson(data)}</script>
<script>${js}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
