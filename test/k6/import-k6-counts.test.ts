import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { importK6 } from '../../reports/import/import-k6.js';
import { HISTOGRAM_RANGE } from '../../reports/recorder/histogram-factory.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { generate, tempDir, writeLines } from './k6-import-helpers.js';

const STEPS = ['login-forced', 'reset-request', 'reset-confirm'];

describe('import k6: generated NDJSON', () => {
  it('gives the per-step counts, outcomes and p50/p99 that were generated', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    // 2024-05-09T12:00:00.400Z: not on a second boundary, so t0 must be floored.
    const { lines, truth } = generate({
      seed: 7,
      startMs: 1715256000400,
      durationS: 20,
      ratePerS: 150,
      steps: STEPS,
      keepLatencies: true,
    });
    await writeLines(
      file,
      lines.map((l) => l.line),
    );
    const res = await importK6(file, join(dir, 'run'));
    const run = await readRunDir(join(dir, 'run'));

    expect(run.meta.engine).toBe('k6');
    expect(run.meta.latencyModel).toBe('k6-import');
    expect(run.meta.t0Ms).toBe(1715256000000);
    expect(res.skipped).toBe(0);
    expect(run.summary.arrivals).toBe(truth.iterations + truth.dropped);
    expect(run.summary.dropped).toBe(truth.dropped);
    expect(run.summary.started).toBe(truth.iterations);
    for (const name of STEPS) {
      const want = truth.steps.get(name)!;
      const got = run.summary.steps[name]!;
      expect(got.count).toBe(want.count);
      expect(got.ok).toBe(want.ok);
      expect(got.retries).toBe(want.retries);
      for (const [outcome, n] of Object.entries(want.byOutcome)) {
        if (outcome !== 'ok') expect(got.errors[outcome] ?? 0, `${name} ${outcome}`).toBe(n);
      }
      // Same values into a histogram of the same precision: percentiles agree to the bucket.
      const h = hdr.build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, useWebAssembly: false });
      for (const ms of want.latenciesMs) h.recordValue(Math.round(ms * 1000));
      expect(got.latencyMs.p50).toBeCloseTo(h.getValueAtPercentile(50) / 1000, 6);
      expect(got.latencyMs.p99).toBeCloseTo(h.getValueAtPercentile(99) / 1000, 6);
      // And the exact sample percentile is within HDR's 3-digit precision.
      const sorted = [...want.latenciesMs].sort((a, b) => a - b);
      const exact99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
      expect(Math.abs(got.latencyMs.p99 - exact99)).toBeLessThanOrEqual(exact99 * 0.001 + 0.001);
    }
  });

  it('is deterministic and aligns intervals to absolute boundaries', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    const { lines } = generate({ seed: 3, startMs: 1715256001750, durationS: 5, ratePerS: 50, steps: STEPS });
    await writeLines(
      file,
      lines.map((l) => l.line),
    );
    await importK6(file, join(dir, 'a'), { intervalMs: 500 });
    await importK6(file, join(dir, 'b'), { intervalMs: 500 });
    const a = await readRunDir(join(dir, 'a'));
    const b = await readRunDir(join(dir, 'b'));
    expect(a.meta.t0Ms).toBe(1715256001500);
    expect(a.meta.t0Ms % 500).toBe(0);
    expect(b.meta.t0Ms).toBe(a.meta.t0Ms);
    expect(b.series).toEqual(a.series);
    expect(b.summary.steps).toEqual(a.summary.steps);
  });

  it('counts points older than the window into the oldest open interval, never drops them', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    const { lines, truth } = generate({
      seed: 5,
      startMs: 1715256000000,
      durationS: 6,
      ratePerS: 40,
      steps: STEPS,
    });
    // Reversed: almost every point is older than a 1-interval window.
    await writeLines(file, lines.map((l) => l.line).reverse());
    const res = await importK6(file, join(dir, 'run'), { windowMs: 1000 });
    const run = await readRunDir(join(dir, 'run'));
    expect(res.late).toBeGreaterThan(0);
    expect(run.summary.degraded.some((d) => d.includes('older than the'))).toBe(true);
    for (const name of STEPS) expect(run.summary.steps[name]!.count).toBe(truth.steps.get(name)!.count);
    expect(run.summary.arrivals).toBe(truth.iterations + truth.dropped);
  });
});
