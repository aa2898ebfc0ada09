import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-merge-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('RunWriter merge', () => {
  it('merges two shards exactly: same counts, percentiles and series as one recorder fed the same values', async () => {
    const one = await buildSyntheticRun(join(root, 'one'), { shards: 1 });
    const two = await buildSyntheticRun(join(root, 'two'), { shards: 2 });
    const a = one.writer.runData();
    const b = two.writer.runData();
    expect(b.summary.steps).toEqual(a.summary.steps);
    expect(b.summary.fellBehind).toEqual(a.summary.fellBehind);
    expect(b.series).toEqual(a.series);
    for (let i = 0; i < a.histograms.length; i++) {
      const ha = a.histograms[i]!;
      const hb = b.histograms[i]!;
      expect(hb.latency.totalCount).toBe(ha.latency.totalCount);
      for (const p of [50, 90, 99, 99.9, 100]) {
        expect(hb.latency.getValueAtPercentile(p)).toBe(ha.latency.getValueAtPercentile(p));
        expect(hb.service.getValueAtPercentile(p)).toBe(ha.service.getValueAtPercentile(p));
      }
    }
    // Both shards delivered: in-flight is summed (only shard 0 reports a backlog here) and counts add up.
    expect(b.summary.arrivals).toBe(a.summary.arrivals);
    expect(b.summary.completed).toBe(a.summary.completed);
  });

  it('sums counts and keeps every recorded value: totals equal the sum of the interval rows', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'sums'), { shards: 2, seed: 7 });
    const run = writer.runData();
    run.meta.steps.forEach((name, i) => {
      const rows = run.series.map((r) => r.steps[i]!);
      const ok = rows.reduce((n, r) => n + (r.outcomes['ok'] ?? 0), 0);
      const all = rows.reduce((n, r) => n + countSum(r.outcomes), 0);
      const offered = rows.reduce((n, r) => n + r.offered, 0);
      const st = run.summary.steps[name]!;
      expect([st.ok, st.count, st.offered]).toEqual([ok, all, offered]);
      // One latency value per completed request in this model.
      expect(run.histograms[i]!.latency.totalCount).toBe(all);
    });
    expect(run.summary.arrivals).toBe(run.series.reduce((n, r) => n + r.arrivals, 0));
  });

  it('reads back from disk what it held in memory', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'disk'), { shards: 2, seed: 3 });
    const mem = writer.runData();
    const disk = await readRunDir(writer.dir);
    expect(disk.summary).toEqual(mem.summary);
    expect(disk.series).toEqual(mem.series);
    expect(disk.targetMetrics).toEqual(mem.targetMetrics);
    expect(disk.events).toEqual(mem.events);
    disk.histograms.forEach((h, i) => {
      expect(h.latency.totalCount).toBe(mem.histograms[i]!.latency.totalCount);
      expect(h.latency.getValueAtPercentile(99)).toBe(mem.histograms[i]!.latency.getValueAtPercentile(99));
      expect(h.service.maxValue).toBe(mem.histograms[i]!.service.maxValue);
    });
  });

  it('reports the latest closed interval for the progress line', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'last'), { shards: 2, intervals: 12 });
    const last = writer.lastInterval();
    const row = writer.runData().series.at(-1)!;
    expect(last).not.toBeNull();
    expect(last!.index).toBe(11);
    const offered = row.steps.reduce((n, s) => n + s.offered, 0);
    const ok = row.steps.reduce((n, s) => n + (s.outcomes['ok'] ?? 0), 0);
    expect(last!.offeredPerS).toBe(offered);
    expect(last!.achievedPerS).toBe(ok);
    expect(last!.p99Ms).toBeGreaterThan(0);
    expect(last!.dropped).toBe(0);
  });

  it('finish is idempotent and returns the summary it wrote', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'idem'), { intervals: 5 });
    const s1 = await writer.finish({ aborted: true, abortReason: 'ignored: already finished', degraded: [] });
    const disk = await readRunDir(writer.dir);
    expect(s1).toEqual(disk.summary);
    expect(s1.aborted).toBe(false);
  });
});
