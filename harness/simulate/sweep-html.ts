/**
 * `sweep.html`: a self-contained page (inline SVG and CSS, no script, no external resource) with
 * one chart per figure against the swept value: fall-behind onset, peak backlog, each take-down's
 * drain time, retry amplification, goodput. Points that have no value (no fall-behind, a backlog
 * that never drained) are drawn as hollow marks on the chart's top edge and labelled.
 */
import { clockText } from './simulate-progress.js';
import type { SweepResult } from './sweep-run.js';

const W = 420;
const H = 220;
const PAD = { l: 64, r: 16, t: 28, b: 36 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Series {
  readonly name: string;
  readonly ys: readonly (number | null)[];
}

/** One chart: x = swept values (ordinal positions), y from 0 to the largest value. */
function chart(
  title: string,
  xs: readonly number[],
  series: readonly Series[],
  fmt: (y: number) => string,
  missing: string,
): string {
  const finite = series.flatMap((s) => s.ys.filter((y): y is number => y !== null));
  const yMax = Math.max(1e-9, ...finite) * 1.1;
  const px = (i: number): number =>
    PAD.l + (xs.length <= 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (xs.length - 1));
  const py = (y: number): number => H - PAD.b - (y / yMax) * (H - PAD.t - PAD.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`,
    `<text x="${PAD.l}" y="16" class="t">${esc(title)}</text>`,
    `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" class="ax"/>`,
    `<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" class="ax"/>`,
    `<text x="${PAD.l - 6}" y="${py(0) + 4}" class="yl">${esc(fmt(0))}</text>`,
    `<text x="${PAD.l - 6}" y="${py(yMax / 1.1) + 4}" class="yl">${esc(fmt(yMax / 1.1))}</text>`,
  ];
  xs.forEach((x, i) => {
    parts.push(`<text x="${px(i)}" y="${H - PAD.b + 16}" class="xl">${esc(String(x))}</text>`);
  });
  series.forEach((s, k) => {
    const c = COLOURS[k % COLOURS.length]!;
    const pts = s.ys.flatMap((y, i) => (y === null ? [] : [`${px(i).toFixed(1)},${py(y).toFixed(1)}`]));
    if (pts.length > 1)
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    s.ys.forEach((y, i) => {
      if (y === null) {
        parts.push(
          `<circle cx="${px(i)}" cy="${PAD.t}" r="4" fill="white" stroke="${c}"><title>${esc(`${s.name}: ${missing}`)}</title></circle>`,
        );
      } else {
        parts.push(
          `<circle cx="${px(i)}" cy="${py(y)}" r="3.5" fill="${c}"><title>${esc(`${s.name} at ${xs[i]}: ${fmt(y)}`)}</title></circle>`,
        );
      }
    });
    if (series.length > 1)
      parts.push(
        `<text x="${W - PAD.r}" y="${PAD.t + 12 + 13 * k}" class="lg" fill="${c}">${esc(s.name)}</text>`,
      );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The page. */
export function sweepHtml(r: SweepResult): string {
  const xs = r.points.map((p) => p.value);
  const verdict =
    r.smallestKeepingUp === null
      ? `No value of ${r.key} in the sweep keeps every region from falling behind.`
      : `Smallest ${r.key} for which no region falls behind: <b>${r.smallestKeepingUp}</b>.`;
  const charts = [
    chart(
      'Fall-behind onset (earliest region)',
      xs,
      [{ name: 'onset', ys: r.points.map((p) => p.fallBehindOnsetS) }],
      clockText,
      'no region fell behind',
    ),
    chart(
      'Peak backlog (requests + sessions in backoff)',
      xs,
      [{ name: 'peak backlog', ys: r.points.map((p) => p.peakBacklog) }],
      (y) => Math.round(y).toLocaleString('en-US'),
      'none',
    ),
    chart(
      'Drain time after each take-down (s)',
      xs,
      r.takeDowns.map((name, k) => ({ name, ys: r.points.map((p) => p.drainS[k] ?? null) })),
      (y) => `${Math.round(y)} s`,
      'never drained',
    ),
    chart(
      'Retry amplification (attempts per first attempt)',
      xs,
      [{ name: 'amplification', ys: r.points.map((p) => p.retryAmplification) }],
      (y) => y.toFixed(2),
      'n/a',
    ),
    chart(
      'Goodput (sessions fully succeeded per arrival)',
      xs,
      [{ name: 'goodput', ys: r.points.map((p) => p.goodput) }],
      (y) => `${(y * 100).toFixed(0)} %`,
      'n/a',
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep of ${esc(r.key)} — ${esc(r.profile)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
.grid{display:flex;flex-wrap:wrap;gap:16px}
svg{border:1px solid #ddd;background:#fff}
.t{font-size:13px;font-weight:600}
.ax{stroke:#888}
.xl{font-size:11px;text-anchor:middle}
.yl{font-size:11px;text-anchor:end}
.lg{font-size:11px;text-anchor:end}
</style></head><body>
<h1>Sweep of ${esc(r.key)} over ${esc(r.profile)}</h1>
<p>Simulated in virtual time against the reference model; values chosen by ${esc(r.rule)}. ${verdict}</p>
<div class="grid">${charts.join('\n')}</div>
</body></html>
`;
}
