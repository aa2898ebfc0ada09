/**
 * Take-down drain and the metastability checks on hand-built series (1 s intervals, one step),
 * truth computed by hand next to each assertion.
 *
 * The series: 100 requests offered every interval; ok = 100 (keeping up) except where noted.
 * An outage covers [10 s, 20 s): ok = 0 there (all 503). After it the step stays behind (ok 50,
 * 50 x 503) for 5 intervals (20..24 s), then keeps up from 25 s: drain = 25 - 20 = 5 s.
 */
import { describe, expect, it } from 'vitest';
import { metastability } from '../../harness/simulate/metastability.js';
import { behindSeries, type StepCounts } from '../../harness/simulate/step-health.js';
import { takeDowns } from '../../harness/simulate/take-downs.js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { SeriesRow } from '../../reports/run-dir/series-row.js';

const I503 = OUTCOME_CLASSES.indexOf('503');
function counts(offered: number, ok: number, retries = 0): StepCounts {
  const outcomes = new Array<number>(OUTCOME_CLASSES.length).fill(0);
  outcomes[0] = ok;
  outcomes[I503] = offered - ok;
  return { offered, retries, outcomes };
}
function rows(series: readonly StepCounts[], p99: (i: number) => number): SeriesRow[] {
  return series.map((c, i) => ({
    index: i,
    tS: i,
    plannedPerS: 0,
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    inFlight: 0,
    maxLatenessMs: 0,
    steps: [{ ...c, latencyMs: { p50: 1, p90: 1, p99: p99(i), max: p99(i) }, serviceMs: null }],
  }));
}
const OUTAGE = [{ name: 'drain', startS: 10, durationS: 10, regions: [] }];

describe('take-downs', () => {
  const series = Array.from({ length: 40 }, (_, i) =>
    i >= 10 && i < 20 ? counts(100, 0) : i >= 20 && i < 25 ? counts(100, 50) : counts(100, 100),
  );

  it('drain time = first of 3 keeping-up intervals after the end, minus the end (25 - 20 = 5 s)', () => {
    const [d] = takeDowns(OUTAGE, 1, series);
    expect(d).toMatchObject({ name: 'drain', startS: 10, endS: 20, behindAtStart: false, drainS: 5 });
    // ok 50 of 100 with 50 failures is behind (ok < 90 %, failures >= 10 %); 100 of 100 is not.
    expect(behindSeries(series).slice(18, 27)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('never drains when the step stays behind to the end of the run', () => {
    const stuck = series.map((c, i) => (i >= 20 ? counts(100, 50) : c));
    expect(takeDowns(OUTAGE, 1, stuck)[0]!.drainS).toBeNull();
  });

  it('flags a step that stays behind while its demand is below capacity (retries keep it down)', () => {
    // After the outage: 60 new requests + 60 retries a second against a capacity of 100/s; ok 60.
    // Demand (offered - retries) 60/s < 100/s, behind (ok 60 of 120): metastable from 20 s.
    const meta = series.map((c, i) => (i >= 20 && i < 30 ? counts(120, 60, 60) : c));
    const backlog = meta.map((_, i) => (i >= 10 && i < 30 ? 500 : 4));
    const checks = metastability({
      rows: rows(meta, (i) => (i >= 10 && i < 30 ? 900 : 20)),
      step: 0,
      intervalS: 1,
      backlog,
      plannedRatePerS: meta.map(() => 100),
      outages: OUTAGE,
      capacityPerS: 100,
    });
    expect(checks).toHaveLength(1);
    // Kept up from 30 s; backlog back under max(2 x 4, 4 + 10) = 14 from 30 s; p99 (baseline 20 ms)
    // back under 5 x 20 = 100 ms from 30 s; degraded below capacity from 20 s.
    expect(checks[0]).toEqual({
      kind: 'take-down',
      name: 'drain',
      atS: 20,
      keptUpAtS: 30,
      backlogBaselineAtS: 30,
      latencyBaselineAtS: 30,
      degradedBelowCapacityFromS: 20,
    });
  });

  it('a drop in planned load is an event; a step behind above capacity is not flagged', () => {
    // Planned 200/s for 10 s, then 100/s: one drop at 10 s (>= 10 % in one interval).
    const planned = series.map((_, i) => (i < 10 ? 200 : 100));
    const over = series.map((_, i) => (i >= 10 && i < 15 ? counts(150, 100) : counts(100, 100)));
    const checks = metastability({
      rows: rows(over, () => 20),
      step: 0,
      intervalS: 1,
      backlog: over.map(() => 0),
      plannedRatePerS: planned,
      outages: [],
      capacityPerS: 100,
    });
    expect(checks.map((c) => [c.kind, c.atS])).toEqual([['load-drop', 10]]);
    // Behind 10..14 s at 150/s demand > 100/s capacity: overloaded, not metastable; kept up at 15 s.
    expect(checks[0]).toMatchObject({ keptUpAtS: 15, degradedBelowCapacityFromS: null });
  });
});
