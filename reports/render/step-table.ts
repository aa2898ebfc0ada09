/**
 * The per-step summary table every renderer shows (text, Markdown, HTML): one definition of its
 * columns and cells, so the three never disagree. Renderers only escape and lay it out.
 * Latency columns sit beside `dropped`: the arrivals turned away at this step (the first of
 * their flow) are in none of the row's latency figures, and the reader must see how many.
 */

import type { RunData } from '../run-dir/run-data.js';
import type { LatencyStats } from '../run-dir/summary.js';
import { errorsText, fmtCount, fmtMs, fmtShare } from './figures-format.js';

/** Column titles (docs/measurement.md defines each figure). */
export const STEP_TABLE_HEAD: readonly string[] = [
  'step',
  'attempts',
  'ok',
  'rate/s',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'max',
  'dropped',
  'ok p99',
  'svc p50',
  'svc p99',
  'wait p50',
  'wait p99',
  'err final',
  'err/attempt',
  'cancelled',
  'target-err',
  'errors',
];

/** Which columns are numbers (right-aligned): all but the step name and the error list. */
export const STEP_TABLE_NUMERIC: readonly boolean[] = STEP_TABLE_HEAD.map(
  (_, i) => i > 0 && i < STEP_TABLE_HEAD.length - 1,
);

/** One line under the table that says what `dropped` and the two error rates mean. */
export const STEP_TABLE_NOTE =
  'dropped: arrivals turned away at the step (first of their flow), in none of its latency figures; ' +
  'err final: failed final outcomes after retries / final outcomes; err/attempt: per attempt; ' +
  'cancelled and target-err are counted apart, in neither rate.';

function ms(l: LatencyStats | null, pick: (l: LatencyStats) => number): string {
  return l === null ? '-' : fmtMs(pick(l));
}

/** One row of formatted, unescaped cells per step with data, in the run's step order. */
export function stepTableRows(run: RunData): string[][] {
  const rows: string[][] = [];
  for (const name of run.meta.steps) {
    const st = run.summary.steps[name];
    if (st === undefined) continue;
    const l = st.latencyMs;
    const backendErrors: Record<string, number> = {};
    for (const [k, n] of Object.entries(st.errors))
      if (k !== 'cancelled' && k !== 'target-error') backendErrors[k] = n;
    rows.push([
      name,
      fmtCount(st.count),
      fmtCount(st.ok),
      st.ratePerS.toFixed(1),
      fmtMs(l.p50),
      fmtMs(l.p90),
      fmtMs(l.p95),
      fmtMs(l.p99),
      fmtMs(l.p999),
      fmtMs(l.max),
      st.droppedArrivals === null ? '?' : fmtCount(st.droppedArrivals),
      ms(st.latencyOkMs, (x) => x.p99),
      fmtMs(st.serviceMs.p50),
      fmtMs(st.serviceMs.p99),
      ms(st.userWaitMs, (x) => x.p50),
      ms(st.userWaitMs, (x) => x.p99),
      fmtShare(st.errorRate),
      fmtShare(st.attemptErrorRate),
      fmtCount(st.cancelled),
      fmtCount(st.targetErrors),
      errorsText(backendErrors),
    ]);
  }
  return rows;
}
