import { describe, expect, it } from 'vitest';
import { analyzeFallBehind } from '../../reports/analysis/fall-behind.js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { SeriesRow, StepRow } from '../../reports/run-dir/series-row.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

/**
 * A FIFO queue served at `capacity[i]` requests a second, fed `offered[i]`. ok = what was served;
 * p99 = base service time + the wait of the last request in the queue.
 */
function queueStep(offered: readonly number[], capacity: readonly number[], baseP99Ms = 20): StepRow[] {
  let q = 0;
  return offered.map((o, i) => {
    const c = capacity[i]!;
    const ok = Math.min(q + o, c);
    q = q + o - ok;
    const outcomes = new Array<number>(OUTCOME_CLASSES.length).fill(0);
    outcomes[0] = ok;
    const p99 = baseP99Ms + (c > 0 ? (q / c) * 1000 : 60_000);
    return {
      offered: o,
      outcomes,
      retries: 0,
      latencyMs: ok === 0 ? null : { p50: p99 / 2, p90: p99 * 0.9, p99, max: p99 * 1.2 },
      serviceMs: ok === 0 ? null : { p50: baseP99Ms / 2, p99: baseP99Ms },
    };
  });
}

function rowsOf(...steps: StepRow[][]): SeriesRow[] {
  return steps[0]!.map((_, i) => ({
    index: i,
    tS: i,
    plannedPerS: 0,
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    inFlight: 0,
    maxLatenessMs: 0,
    steps: steps.map((s) => s[i]!),
  }));
}

function input(rows: SeriesRow[], steps: string[] = ['reset-request']) {
  return { t0Ms: T0, intervalS: 1, steps, rows };
}

const range = (n: number, f: (i: number) => number): number[] =>
  Array.from({ length: n }, (_, i) => Math.round(f(i)));

describe('fall-behind analysis', () => {
  it('finds a ramp crossing capacity at an offered rate near the capacity', () => {
    const capacity = 100;
    const offered = range(80, (i) => 10 + i * 2.5);
    const found = analyzeFallBehind(
      input(
        rowsOf(
          queueStep(
            offered,
            range(80, () => capacity),
          ),
        ),
      ),
    );
    expect(found).not.toBeNull();
    const f = found![0]!;
    expect(f.step).toBe('reset-request');
    expect(Math.abs(f.offeredRatePerS - capacity) / capacity).toBeLessThanOrEqual(0.2);
    expect(f.recoveredAtS).toBeNull();
    expect(f.peakBacklog).toBeGreaterThan(100);
    expect(f.p99BeforeMs).toBe(20);
    expect(f.p99AfterMs).toBeGreaterThan(f.p99BeforeMs * 5);
    expect(f.at).toBe(new Date(T0 + f.atS * 1000).toISOString());
  });

  it('reports throughput when the target sheds load (503s) instead of queueing', () => {
    // reset-request answers 202 or 503 at once: ok is capped, latency stays flat.
    const offered = range(60, (i) => 20 + i * 3);
    const rows = rowsOf(
      offered.map((o) => {
        const outcomes = new Array<number>(OUTCOME_CLASSES.length).fill(0);
        outcomes[0] = Math.min(o, 120);
        outcomes[4] = o - outcomes[0];
        return {
          offered: o,
          outcomes,
          retries: 0,
          latencyMs: { p50: 2, p90: 3, p99: 4, max: 5 },
          serviceMs: null,
        };
      }),
    );
    const f = analyzeFallBehind(input(rows))![0]!;
    expect(f.reason).toBe('throughput');
    expect(Math.abs(f.offeredRatePerS - 120) / 120).toBeLessThanOrEqual(0.2);
    expect(f.achievedRatePerS).toBe(120);
  });

  it('says nothing when the load stays below capacity', () => {
    const offered = range(60, (i) => 10 + i);
    expect(
      analyzeFallBehind(
        input(
          rowsOf(
            queueStep(
              offered,
              range(60, () => 100),
            ),
          ),
        ),
      ),
    ).toBeNull();
  });

  it('ignores a one-interval blip, unless the window is one interval', () => {
    const offered = range(40, () => 50);
    const capacity = range(40, (i) => (i === 20 ? 0 : 100));
    const rows = rowsOf(queueStep(offered, capacity));
    expect(analyzeFallBehind(input(rows))).toBeNull();
    const strict = analyzeFallBehind(input(rows), { window: 1 });
    expect(strict?.[0]?.atS).toBe(20);
  });

  it('finds an outage and the recovery after it, once the backlog drained', () => {
    const offered = range(80, () => 50);
    const capacity = range(80, (i) => (i >= 20 && i < 30 ? 0 : 80));
    const f = analyzeFallBehind(input(rowsOf(queueStep(offered, capacity))))![0]!;
    expect(f.atS).toBe(20);
    expect(f.reason).toBe('throughput');
    // 500 requests queued, drained at 30/s surplus: ~17 s after the outage ends.
    expect(f.recoveredAtS).not.toBeNull();
    expect(f.recoveredAtS!).toBeGreaterThan(30);
    expect(f.recoveredAtS!).toBeLessThanOrEqual(50);
    expect(f.peakBacklog).toBe(500);
  });

  it('lists every step that fell behind, earliest first', () => {
    const n = 60;
    const early = queueStep(
      range(n, () => 50),
      range(n, (i) => (i >= 10 ? 20 : 100)),
    );
    const late = queueStep(
      range(n, () => 50),
      range(n, (i) => (i >= 40 ? 20 : 100)),
    );
    const fine = queueStep(
      range(n, () => 50),
      range(n, () => 100),
    );
    const found = analyzeFallBehind(input(rowsOf(late, fine, early), ['late', 'fine', 'early']));
    expect(found?.map((f) => [f.step, f.atS])).toEqual([
      ['early', 10],
      ['late', 40],
    ]);
  });

  it('uses the latency factor: a p99 rise below it is not a fall-behind', () => {
    const n = 40;
    const rows = rowsOf(
      range(n, () => 50).map((o, i) => {
        const outcomes = new Array<number>(OUTCOME_CLASSES.length).fill(0);
        outcomes[0] = o;
        const p99 = i >= 20 ? 80 : 20; // 4x the baseline
        return {
          offered: o,
          outcomes,
          retries: 0,
          latencyMs: { p50: 5, p90: 10, p99, max: p99 },
          serviceMs: null,
        };
      }),
    );
    expect(analyzeFallBehind(input(rows))).toBeNull();
    const f = analyzeFallBehind(input(rows), { latencyFactor: 3 })![0]!;
    expect([f.atS, f.reason, f.p99BeforeMs, f.p99AfterMs]).toEqual([20, 'latency', 20, 80]);
  });

  it('keeps a take-down where it starts: no queue-filling onset is walked back into an outage', () => {
    // 100 offered/s; in [20, 26) half the regions are down: 40 ok, the rest shed with 503.
    const rows = rowsOf(
      range(60, () => 100).map((o, i) => {
        const down = i >= 20 && i < 26;
        const outcomes = new Array<number>(OUTCOME_CLASSES.length).fill(0);
        outcomes[0] = down ? 40 : o;
        outcomes[OUTCOME_CLASSES.indexOf('503')] = down ? o - 40 : 0;
        return {
          offered: o,
          outcomes,
          retries: 0,
          latencyMs: { p50: 2, p90: 3, p99: 5, max: 6 },
          serviceMs: { p50: 2, p99: 5 },
        };
      }),
    );
    const withOutage = analyzeFallBehind({ ...input(rows), outages: [{ startS: 20, durationS: 6 }] })![0]!;
    expect(withOutage.atS).toBe(20);
    expect(withOutage.offeredRatePerS).toBe(100);
    expect(withOutage.recoveredAtS).toBe(26);
    // Not told about the window, the analysis reads it as load above a capacity of 40/s.
    const blind = analyzeFallBehind(input(rows))![0]!;
    expect(blind.atS).toBeLessThan(20);
  });
});
