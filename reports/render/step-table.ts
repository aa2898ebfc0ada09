/**
 * The per-step summary table every renderer shows (text, Markdown, HTML): one definition of its
 * columns and cells, so the three never disagree. Renderers only escape and lay it out.
 */
import type { RunData } from '../run-dir/run-data.js';
import { errorsText, fmtCount, fmtMs } from './figures-format.js';

/** Column titles. */
export const STEP_TABLE_HEAD: readonly string[] = [
  'step',
  'count',
  'ok',
  'rate/s',
  'p50',
  'p90',
  'p99',
  'p99.9',
  'max',
  'svc p50',
  'svc p99',
  'errors',
];

/** Which columns are numbers (right-aligned): all but the step name and the error list. */
export const STEP_TABLE_NUMERIC: readonly boolean[] = STEP_TABLE_HEAD.map(
  (_, i) => i > 0 && i < STEP_TABLE_HEAD.length - 1,
);

/** One row of formatted, unescaped cells per step with data, in the run's step order. */
export function stepTableRows(run: RunData): string[][] {
  const rows: string[][] = [];
  for (const name of run.meta.steps) {
    const st = run.summary.steps[name];
    if (st === undefined) continue;
    const l = st.latencyMs;
    rows.push([
      name,
      fmtCount(st.count),
      fmtCount(st.ok),
      st.ratePerS.toFixed(1),
      fmtMs(l.p50),
      fmtMs(l.p90),
      fmtMs(l.p99),
      fmtMs(l.p999),
      fmtMs(l.max),
      fmtMs(st.serviceMs.p50),
      fmtMs(st.serviceMs.p99),
      errorsText(st.errors),
    ]);
  }
  return rows;
}
