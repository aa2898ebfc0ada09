/**
 * A c-worker queue with service time S under a ramp that crosses its capacity c/S: the onset is
 * the first interval whose offered rate is above c/S (within 5 %), and past it the backlog grows
 * by offered - c/S every second (docs/measurement.md#fall-behind). Fluid model, hand-computed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisOptions } from '../../reports/analysis/analysis-options.js';
import { stepSignals } from '../../reports/analysis/step-signals.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-queue-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const C = 4; // workers
const S_MS = 50; // service time
const CAP = (C * 1000) / S_MS; // c/S = 80 requests/s
const rate = (i: number): number => 40 + 2 * i; // offered ramp: 40/s .. 118/s over 40 s

/** Queue length at the end of each interval: Q_i = Q_{i-1} + r_i - min(r_i + Q_{i-1}, c/S). */
function queue(): number[] {
  const q: number[] = [];
  let prev = 0;
  for (let i = 0; i < 40; i++) {
    const served = Math.min(rate(i) + prev, CAP);
    prev = prev + rate(i) - served;
    q.push(prev);
  }
  return q;
}

function intervals(q: readonly number[]): IntervalSpec[] {
  return q.map((qi, i) => {
    const before = i === 0 ? 0 : q[i - 1]!;
    const served = rate(i) + before - qi;
    // A request waits behind the queue at its arrival: S + Q / (c/S).
    const latencyMs = S_MS + (1000 * before) / CAP;
    return {
      steps: [{ step: 0, offered: rate(i), attempts: [{ cls: 'ok', n: served, latencyMs }] }],
      backlog: { atTarget: qi, inClient: 0, inBackoff: 0 },
    };
  });
}

describe('a c-worker queue crossing c/S', async () => {
  const q = queue();
  const meta = handMeta({ steps: ['reset-request'] });
  await writeHandRun(join(root, 'run'), meta, intervals(q));
  const run = await readRunDir(join(root, 'run'));
  const f = run.summary.fellBehind?.[0];

  it('onsets at the first interval above c/S, within 5 %', () => {
    expect(run.summary.fellBehind).toHaveLength(1);
    // r_20 = 80 = c/S is kept up with; r_21 = 82 is the first above.
    expect(f?.atS).toBe(21);
    expect(f?.reason).toBe('throughput');
    expect(Math.abs(f!.offeredRatePerS - CAP) / CAP).toBeLessThanOrEqual(0.05); // |82 - 80| / 80 = 2.5 %
    expect(f?.achievedRatePerS).toBe(CAP); // the workers serve exactly c/S
    expect(f?.recoveredAtS).toBeNull(); // the ramp never comes back below c/S
  });

  it('grows the backlog by offered - c/S every interval past the onset', () => {
    const s = stepSignals(
      { t0Ms: meta.t0Ms, intervalS: 1, steps: meta.steps, rows: run.series, outages: [] },
      0,
      analysisOptions(),
    );
    for (let i = 21; i < 40; i++)
      expect(s.backlog[i]! - s.backlog[i - 1]!, `interval ${i}`).toBe(rate(i) - CAP);
    // Over the onset window 21..23: ((82 - 80) + (84 - 80) + (86 - 80)) / 3 s = 4 requests/s.
    expect(f?.backlogGrowthPerS).toBe(4);
    // The gauge agrees: Q_39 = sum over 21..39 of (r_i - c/S) = 2 + 4 + ... + 38 = 380.
    expect(run.summary.backlog.peakTotal).toBe(380);
  });

  it('p99 before and after are the same statistic on each side of the onset', () => {
    // Before: intervals 18..20 had no queue: 50 ms. After: 21..23 waited behind Q_20..Q_22 =
    // 0, 2, 6 requests: 50, 75, 125 ms; the median is 75 ms (HDR: 3 significant digits).
    expect(f?.p99BeforeMs).toBeCloseTo(50, 0);
    expect(f?.p99AfterMs).toBeCloseTo(75, 0);
  });
});
