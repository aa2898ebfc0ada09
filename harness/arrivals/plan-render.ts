/**
 * The human form of a `Plan`: summary lines, a terminal chart of the offered rate over time (Unicode
 * block characters, the peak marked, outage windows under the time axis) and one table per
 * region / phase / flow / step / pool / outage. Pure: a Plan in, a string out.
 */
import { formatDuration } from '../profile/duration.js';
import type { Plan } from './plan.js';

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Layout options of `renderPlan`. */
export interface RenderPlanOptions {
  /** Total width in characters (default 100; the chart gets what the y labels leave). */
  readonly width?: number;
  /** Chart height in rows (default 8). */
  readonly height?: number;
}

/** Integer with thousands separators. */
function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate: separators when large, one decimal when small. */
function rate(r: number): string {
  if (r >= 100) return int(r);
  return (Math.round(r * 10) / 10).toLocaleString('en-US');
}

function pct(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

/** Left-aligned first column, right-aligned others; a header underlined with dashes. */
function table(header: string[], rows: string[][], leftCols = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells
      .map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Resamples the plan's series to `cols` columns, keeping each column's highest rate. */
function columns(plan: Plan, cols: number): number[] {
  const src = plan.series.maxRatePerS;
  const n = src.length;
  const out: number[] = [];
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols);
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols));
    let m = 0;
    for (let i = a; i < b && i < n; i++) m = Math.max(m, src[i]!);
    out.push(m);
  }
  return out;
}

/** The rate chart: a peak marker row, `height` rows of blocks, a time axis, outage rows. */
export function renderRateChart(plan: Plan, width = 100, height = 8): string[] {
  const top = plan.peakRatePerS;
  const labels = [rate(top), rate(top / 2), '0'];
  const lw = Math.max(...labels.map((l) => l.length));
  const cols = Math.max(10, width - lw - 3);
  const values = columns(plan, cols);
  const dur = plan.durationS;
  const colOf = (t: number): number =>
    dur > 0 ? Math.min(cols - 1, Math.max(0, Math.floor((t / dur) * cols))) : 0;
  const pad = ' '.repeat(lw + 2);
  const out: string[] = [];

  const peakCol = colOf(plan.peakAtS);
  const peakLabel = `▼ peak ${rate(top)}/s at ${formatDuration(plan.peakAtS)}`;
  // The marker sits over the peak column; its label goes right of it, or left when it would overflow.
  const marker =
    peakCol + peakLabel.length <= cols
      ? ' '.repeat(peakCol) + peakLabel
      : ' '.repeat(Math.max(0, peakCol - peakLabel.length + 1)) + peakLabel.slice(2) + ' ▼';
  out.push(pad + marker);

  for (let row = height - 1; row >= 0; row--) {
    let line = '';
    for (const v of values) {
      const fill = top > 0 ? (v / top) * height - row : 0;
      line += BLOCKS[Math.round(Math.min(1, Math.max(0, fill)) * 8)];
    }
    const label = row === height - 1 ? labels[0]! : row === Math.floor((height - 1) / 2) ? labels[1]! : '';
    out.push(`${label.padStart(lw)} ┤${line}`);
  }

  // Time axis: ticks at about five even times, labels under them where they fit.
  const axis = Array.from({ length: cols }, () => '─');
  let tickLine = '';
  const ticks = 5;
  for (let k = 0; k <= ticks; k++) {
    const t = (dur * k) / ticks;
    const c = k === ticks ? cols - 1 : colOf(t);
    axis[c] = '┬';
    const label = formatDuration(t);
    const at = Math.min(c, cols - label.length);
    if (at >= tickLine.length + (tickLine.length > 0 ? 1 : 0)) tickLine = tickLine.padEnd(at) + label;
  }
  out.push(`${'0'.padStart(lw)} └${axis.join('')}`);
  out.push(pad + tickLine);

  for (const o of plan.outages) {
    const a = colOf(o.startS);
    const b = Math.max(a + 1, o.endS >= dur ? cols : colOf(o.endS));
    const where = o.regions.length > 0 ? ` [${o.regions.join(', ')}]` : '';
    const text = ` outage ${o.name} ${formatDuration(o.startS)}-${formatDuration(o.endS)}${where}`;
    out.push(pad + ' '.repeat(a) + '▓'.repeat(b - a) + text);
  }
  return out;
}

/** The whole human-readable plan. */
export function renderPlan(plan: Plan, opts: RenderPlanOptions = {}): string {
  const width = Math.max(40, opts.width ?? 100);
  const lines: string[] = [];
  const how = plan.exact ? 'exact (stream walked)' : 'analytic (Poisson counts are expectations)';
  lines.push(`Plan of ${plan.profile.name} (${plan.profile.file}), seed ${plan.seed}, ${how}`);
  lines.push(`  duration        ${formatDuration(plan.durationS)}`);
  lines.push(`  arrivals        ${int(plan.totalArrivals)}  (mean ${rate(plan.meanRatePerS)}/s)`);
  lines.push(`  peak rate       ${rate(plan.peakRatePerS)}/s at ${formatDuration(plan.peakAtS)}`);
  lines.push('');
  lines.push('Offered arrival rate (arrivals/s)');
  lines.push(...renderRateChart(plan, width, opts.height ?? 8));
  lines.push('');

  lines.push('Regions');
  lines.push(
    ...table(
      ['region', 'start', 'end', 'arrivals', 'peak/s', 'peak at'],
      Object.entries(plan.regions).map(([name, r]) => [
        name,
        formatDuration(r.startS),
        formatDuration(r.endS),
        int(r.arrivals),
        rate(r.peakRatePerS),
        formatDuration(r.peakAtS),
      ]),
    ),
  );
  lines.push('', 'Phases');
  lines.push(
    ...table(
      ['region', 'phase', 'shape', 'process', 'start', 'duration', 'arrivals', 'peak/s'],
      plan.phases.map((p) => [
        p.region,
        p.name,
        p.shape,
        p.process,
        formatDuration(p.startS),
        formatDuration(p.durationS),
        int(p.arrivals),
        rate(p.peakRatePerS),
      ]),
      4,
    ),
  );
  lines.push('', 'Flows');
  lines.push(
    ...table(
      ['flow', 'pool', 'arrivals', 'share'],
      Object.entries(plan.flows).map(([name, f]) => [name, f.pool, int(f.arrivals), pct(f.share)]),
      2,
    ),
  );
  lines.push('', 'Steps (requests at zero failure)');
  lines.push(
    ...table(
      ['step', 'requests'],
      Object.entries(plan.steps).map(([name, n]) => [name, int(n)]),
    ),
  );
  lines.push('', 'Account pools');
  lines.push(
    ...table(
      ['pool', 'accounts', 'draws', 'coverage'],
      Object.entries(plan.pools).map(([name, p]) => [name, int(p.size), int(p.draws), pct(p.coverage)]),
    ),
  );
  if (plan.outages.length > 0) {
    lines.push('', 'Outages (users keep arriving)');
    lines.push(
      ...table(
        ['outage', 'regions', 'start', 'end', 'arrivals during'],
        plan.outages.map((o) => [
          o.name,
          o.regions.length > 0 ? o.regions.join(',') : 'all',
          formatDuration(o.startS),
          formatDuration(o.endS),
          int(o.arrivalsDuring),
        ]),
        2,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
