/**
 * capacity.html: one self-contained page (no script, no external reference) with one inline SVG
 * chart per SLO: the SLO's figure against the probe rate, one point per probe (green pass, red
 * fail, grey invalid), the threshold as a dashed line and the final bracket shaded; then the
 * answer and the probe table. Every string from the run is escaped.
 */
import { escapeHtml } from '../../reports/render/render-html.js';
import { fmtBracket, fmtRate } from './capacity-progress.js';
import type { CapacityReport } from './capacity-report.js';
import { renderCapacityText } from './capacity-text.js';

const W = 640;
const H = 260;
const PAD = { left: 64, right: 16, top: 14, bottom: 40 };
const COLOR = { pass: '#2a9d3f', fail: '#d1352b', invalid: '#8a8a8a' } as const;

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 26px; }
.answer { font-size: 16px; background: #f4f7fb; border: 1px solid #d5deea; padding: 8px 12px; border-radius: 4px; }
.bound { background: #fdecea; border-color: #f5c2bd; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 9px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
pre { background: #fafafa; border: 1px solid #eee; padding: 8px; overflow-x: auto; }
`;

/** Round numbers for axis ticks: 1, 2 or 5 times a power of ten. */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

function sloChart(r: CapacityReport, i: number): string {
  const expr = r.slos[i] ?? '';
  const points = r.probes.map((p) => ({ rate: p.ratePerS, slo: p.slos[i], p }));
  const threshold = points.find((x) => x.slo)?.slo?.threshold ?? 0;
  const unit = points.find((x) => x.slo)?.slo?.unit ?? '';
  const xMax = Math.max(...points.map((x) => x.rate), r.bracket[1] ?? 0, 1) * 1.08;
  const yMax = Math.max(threshold, ...points.map((x) => x.slo?.actual ?? 0), 1e-9) * 1.12;
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (v: number): number => PAD.left + (v / xMax) * iw;
  const y = (v: number): number => PAD.top + ih - (Math.min(v, yMax) / yMax) * ih;
  const parts: string[] = [];
  const [lo, hi] = r.bracket;
  if (lo !== null || hi !== null) {
    const a = x(lo ?? 0);
    const b = x(hi ?? xMax);
    parts.push(
      `<rect data-bracket="1" x="${a.toFixed(1)}" y="${PAD.top}" width="${Math.max(1, b - a).toFixed(1)}" height="${ih}" fill="#4a7bd0" fill-opacity="0.14"/>`,
    );
  }
  for (const t of ticks(xMax)) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" y1="${PAD.top + ih}" x2="${x(t).toFixed(1)}" y2="${PAD.top + ih + 4}" stroke="#999"/>`,
      `<text x="${x(t).toFixed(1)}" y="${PAD.top + ih + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of ticks(yMax, 4)) {
    parts.push(
      `<line x1="${PAD.left}" y1="${y(t).toFixed(1)}" x2="${PAD.left + iw}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}${escapeHtml(unit)}</text>`,
    );
  }
  parts.push(
    `<line x1="${PAD.left}" y1="${PAD.top + ih}" x2="${PAD.left + iw}" y2="${PAD.top + ih}" stroke="#666"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + ih}" stroke="#666"/>`,
    `<line data-threshold="1" x1="${PAD.left}" y1="${y(threshold).toFixed(1)}" x2="${PAD.left + iw}" y2="${y(threshold).toFixed(1)}" stroke="#d1352b" stroke-dasharray="5 4"/>`,
    `<text x="${PAD.left + iw / 2}" y="${H - 6}" text-anchor="middle">probe rate, arrivals/s</text>`,
  );
  for (const { rate, slo, p } of points) {
    const kind = !p.valid ? 'invalid' : slo?.pass ? 'pass' : 'fail';
    // A probe with no data for this SLO sits on the top edge: it failed, with nothing to plot.
    const v = slo?.actual ?? yMax;
    const label = `probe ${p.index}: ${fmtRate(rate)} ${kind} ${slo?.message ?? ''}`;
    parts.push(
      `<circle data-probe="${p.index}" cx="${x(rate).toFixed(1)}" cy="${y(v).toFixed(1)}" r="5" fill="${COLOR[kind]}"><title>${escapeHtml(label)}</title></circle>`,
    );
  }
  return (
    `<h2>${escapeHtml(expr)}</h2>` +
    `<svg data-chart="slo:${escapeHtml(expr)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(expr)} against probe rate">${parts.join('')}</svg>`
  );
}

function probeTable(r: CapacityReport): string {
  const head = ['probe', 'rate', 'verdict', 'settle', ...r.slos, 'run dir'];
  const rows = r.probes.map((p) => {
    const cells = [
      String(p.index),
      fmtRate(p.ratePerS),
      !p.valid ? `invalid: ${p.problems.join('; ')}` : p.pass ? 'pass' : 'fail',
      p.settle
        ? `${p.settle.tookS.toFixed(1)} s (${p.settle.method}${p.settle.settled ? '' : ', bound reached'})`
        : '-',
      ...p.slos.map((s) => (s.actual === null ? 'no data' : `${Number(s.actual.toPrecision(4))}${s.unit}`)),
    ];
    const link = `<a href="${escapeHtml(encodeURI(`${p.runDir}/report.html`))}">${escapeHtml(p.runDir)}</a>`;
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}<td class="l">${link}</td></tr>`;
  });
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/** The page. */
export function renderCapacityHtml(r: CapacityReport): string {
  const bound = r.generatorBound || r.verdict === 'none-met';
  const answer =
    r.verdict === 'found' || r.verdict === 'max-reached'
      ? `capacity ${fmtRate(r.capacityPerS)} (arrivals/s of the profile's mix), bracket ${fmtBracket(r.bracket)}`
      : r.verdict === 'generator-bound'
        ? `generator-bound above ${fmtRate(r.capacityPerS)}: the probe at ${fmtRate(r.generator?.invalidAtPerS ?? null)} was invalid`
        : `no rate met the SLOs (even ${fmtRate(r.bracket[1])} failed)`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>stampede capacity: ${escapeHtml(r.profile.name)}</title><style>${CSS}</style></head><body>`,
    `<h1>stampede capacity: ${escapeHtml(r.profile.name)}</h1>`,
    `<p>target ${escapeHtml(r.target)}, mode ${escapeHtml(r.mode)}, started ${escapeHtml(r.startedAt)}, ${r.probes.length} probe(s) of ${r.settings.probeS} s</p>`,
    `<p class="answer${bound ? ' bound' : ''}">${escapeHtml(answer)}</p>`,
    ...r.slos.map((_, i) => sloChart(r, i)),
    '<h2>Probes</h2>',
    probeTable(r),
    '<h2>Summary</h2>',
    `<pre>${escapeHtml(renderCapacityText(r))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}
