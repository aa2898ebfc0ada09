/**
 * Whether one step kept up, interval by interval: the throughput half of the fall-behind
 * analysis (reports/analysis/fall-behind.ts) over a plain count series, so the same verdict runs
 * on a run directory's step series and on the simulation's per-region tallies. An interval is
 * behind when at least `minOffered` attempts were offered, ok trails offered by more than
 * `tolerance`, and the shortfall is the target's (failures at least `tolerance` of offered, or
 * more than one interval's worth outstanding). Idle intervals keep up.
 */
import type { SeriesRow } from '../../reports/run-dir/series-row.js';
import type { RegionTally } from './region-probe.js';

/** One interval of one step. */
export interface StepCounts {
  readonly offered: number;
  readonly retries: number;
  /** Completed attempts by outcome class (index 0 = ok). */
  readonly outcomes: readonly number[];
}

/** Thresholds, the fall-behind analysis' defaults. */
export const HEALTH = { window: 3, tolerance: 0.1, minOffered: 5 } as const;

/** Per-interval verdicts: true = behind. */
export function behindSeries(series: readonly StepCounts[]): boolean[] {
  let outstanding = 0;
  return series.map((c) => {
    let completed = 0;
    for (const n of c.outcomes) completed += n;
    outstanding = Math.max(0, outstanding + c.offered - completed);
    if (c.offered < HEALTH.minOffered) return false;
    const ok = c.outcomes[0] ?? 0;
    if (ok >= c.offered * (1 - HEALTH.tolerance)) return false;
    return completed - ok >= c.offered * HEALTH.tolerance || outstanding >= c.offered;
  });
}

/** First index >= `from` that starts `HEALTH.window` consecutive intervals where `pred` holds, or -1. */
export function firstSustained(n: number, from: number, pred: (i: number) => boolean): number {
  let run = 0;
  for (let i = Math.max(0, from); i < n; i++) {
    run = pred(i) ? run + 1 : 0;
    if (run >= HEALTH.window) return i - HEALTH.window + 1;
  }
  return -1;
}

/** Step `step` of a run's series as counts. */
export function stepCounts(rows: readonly SeriesRow[], step: number): StepCounts[] {
  return rows.map((r) => r.steps[step] ?? { offered: 0, retries: 0, outcomes: [] });
}

/** A region's tallies as counts. */
export function tallyCounts(t: RegionTally): StepCounts[] {
  return t.offered.map((offered, i) => ({ offered, retries: t.retries[i]!, outcomes: t.outcomes[i]! }));
}
