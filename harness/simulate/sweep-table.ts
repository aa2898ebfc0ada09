/** The sweep as a text table (`sweep.txt`, and what `stampede simulate --sweep` prints). */
import { clockText } from './simulate-progress.js';
import type { SweepResult } from './sweep-run.js';

/** One row per swept value, then the verdict line. */
export function sweepTable(r: SweepResult): string {
  const head = [
    r.key,
    'fall-behind onset',
    'peak backlog',
    ...r.takeDowns.map((n) => `drain ${n}`),
    'retry amp.',
    'goodput',
  ];
  const rows = r.points.map((p) => [
    String(p.value),
    p.fallBehindOnsetS === null ? 'none' : clockText(p.fallBehindOnsetS),
    p.peakBacklog.toLocaleString('en-US'),
    ...p.drainS.map((d) => (d === null ? 'never' : `${Math.round(d)} s`)),
    p.retryAmplification.toFixed(3),
    `${(p.goodput * 100).toFixed(1)} %`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const verdict =
    r.smallestKeepingUp === null
      ? `no ${r.key} in the sweep keeps every region from falling behind`
      : `smallest ${r.key} for which no region falls behind: ${r.smallestKeepingUp}`;
  return `Sweep of ${r.key} over ${r.profile} (${r.rule})\n${line(head)}\n${rows.map(line).join('\n')}\n${verdict}\n`;
}
