import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import type { MergeInput } from '../../reports/merge/merge-checks.js';
import { mergeRuns } from '../../reports/merge/merge-runs.js';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { type FixtureRun, seededRequests, writeFixtureRun } from './run-dir-fixture.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stampede-merge-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function inputsOf(runs: readonly FixtureRun[]): Promise<MergeInput[]> {
  const out: MergeInput[] = [];
  for (const f of runs) {
    await writeFixtureRun(f);
    out.push({ dir: f.dir, run: await readRunDir(f.dir) });
  }
  return out;
}

async function refusal(runs: readonly FixtureRun[]): Promise<StampedeError> {
  const inputs = await inputsOf(runs);
  const err = await mergeRuns(inputs, join(root, 'out')).catch((e: unknown) => e);
  if (!(err instanceof StampedeError)) throw new Error(`expected a StampedeError, got ${String(err)}`);
  expect(err.message).not.toContain('\n');
  return err;
}

const T0 = 1_700_000_000_000;

describe('mergeRuns', () => {
  it('adds shard runs exactly: counts are sums, percentiles those of one recorder fed every value', async () => {
    const a = seededRequests(1, 4, 50, [20, 200]);
    const b = seededRequests(2, 4, 70, [25, 180]);
    // The second shard started 3 ms later: its intervals still map onto the same merged grid.
    const inputs = await inputsOf([
      {
        dir: join(root, 'a'),
        t0Ms: T0,
        shard: { index: 0, count: 2 },
        intervals: 4,
        requests: a,
        dropped: 3,
      },
      {
        dir: join(root, 'b'),
        t0Ms: T0 + 3,
        shard: { index: 1, count: 2 },
        intervals: 4,
        requests: b,
        dropped: 4,
      },
    ]);
    const out = join(root, 'merged');
    const summary = await mergeRuns(inputs, out);
    const merged = await readRunDir(out);
    expect(summary.shard).toBeNull();
    expect(summary.aborted).toBe(false);
    expect(summary.degraded).toEqual([]);
    expect(merged.series).toHaveLength(4);
    expect(merged.meta.t0Ms).toBe(T0);
    expect(summary.arrivals).toBe(inputs[0]!.run.summary.arrivals + inputs[1]!.run.summary.arrivals);
    expect(summary.dropped).toBe(7);
    for (const [i, name] of ['login', 'reset-confirm'].entries()) {
      const sa = inputs[0]!.run.summary.steps[name]!;
      const sb = inputs[1]!.run.summary.steps[name]!;
      const sm = summary.steps[name]!;
      expect(sm.count).toBe(sa.count + sb.count);
      expect(sm.ok).toBe(sa.ok + sb.ok);
      expect(sm.errors['503'] ?? 0).toBe((sa.errors['503'] ?? 0) + (sb.errors['503'] ?? 0));
      const all = aggregateHistogram();
      for (const r of [...a, ...b]) if (r.step === i) all.recordValue(r.latencyUs);
      const h = merged.histograms[i]!.latency;
      expect(h.totalCount).toBe(all.totalCount);
      for (const p of [50, 90, 99, 99.9, 100])
        expect(h.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
      // Per interval too: each merged row holds both shards' requests of that interval.
      for (const row of merged.series) {
        const n = [...a, ...b].filter((r) => r.step === i && r.interval === row.index).length;
        expect(countSum(row.steps[i]!.outcomes)).toBe(n);
      }
    }
  });

  it('marks the merge aborted when an input was, and notes a partial set of shards', async () => {
    const inputs = await inputsOf([
      {
        dir: join(root, 'a'),
        t0Ms: T0,
        shard: { index: 0, count: 3 },
        intervals: 2,
        requests: seededRequests(1, 2, 5, [20, 200]),
        aborted: true,
      },
      {
        dir: join(root, 'b'),
        t0Ms: T0,
        shard: { index: 2, count: 3 },
        intervals: 2,
        requests: seededRequests(2, 2, 5, [20, 200]),
      },
    ]);
    const summary = await mergeRuns(inputs, join(root, 'merged'));
    expect(summary.aborted).toBe(true);
    expect(summary.abortReason).toContain('interrupted');
    expect(summary.degraded.join(' ')).toContain('merged shards 1,3 of 3');
  });

  it('refuses runs of different profiles', async () => {
    const err = await refusal([
      { dir: join(root, 'a'), t0Ms: T0, shard: { index: 0, count: 2 }, intervals: 1, requests: [] },
      {
        dir: join(root, 'b'),
        t0Ms: T0,
        shard: { index: 1, count: 2 },
        intervals: 1,
        requests: [],
        profileHash: 'hash-b',
      },
    ]);
    expect(err.code).toBe('E_RUN_DIR');
    expect(err.message).toMatch(
      /b: profile fixture \(hash hash-b\) differs from .*a .*merge only shards of one profile/,
    );
  });

  it('refuses the same shard twice', async () => {
    const err = await refusal([
      { dir: join(root, 'a'), t0Ms: T0, shard: { index: 1, count: 2 }, intervals: 1, requests: [] },
      { dir: join(root, 'b'), t0Ms: T0, shard: { index: 1, count: 2 }, intervals: 1, requests: [] },
    ]);
    expect(err.message).toMatch(/b: shard 2\/2 is also in .*a \(overlapping shards\)$/);
  });

  it('refuses a whole-stream run beside a shard', async () => {
    const err = await refusal([
      { dir: join(root, 'a'), t0Ms: T0, shard: { index: 0, count: 2 }, intervals: 1, requests: [] },
      { dir: join(root, 'b'), t0Ms: T0, intervals: 1, requests: [] },
    ]);
    expect(err.code).toBe('E_RUN_DIR');
    expect(err.message).toMatch(/b: covers the whole arrival stream/);
  });

  it('refuses different interval lengths', async () => {
    const err = await refusal([
      { dir: join(root, 'a'), t0Ms: T0, shard: { index: 0, count: 2 }, intervals: 1, requests: [] },
      {
        dir: join(root, 'b'),
        t0Ms: T0,
        shard: { index: 1, count: 2 },
        intervals: 1,
        requests: [],
        intervalMs: 500,
      },
    ]);
    expect(err.message).toMatch(/b: interval 500ms differs from .*a \(1000ms\)$/);
  });

  it('refuses a single input and an output that is not empty', async () => {
    const one = await inputsOf([
      { dir: join(root, 'a'), t0Ms: T0, shard: { index: 0, count: 2 }, intervals: 1, requests: [] },
    ]);
    await expect(mergeRuns(one, join(root, 'out'))).rejects.toThrow(
      'merge needs at least 2 run directories (got 1)',
    );
    const two = [
      ...one,
      ...(await inputsOf([
        { dir: join(root, 'b'), t0Ms: T0, shard: { index: 1, count: 2 }, intervals: 1, requests: [] },
      ])),
    ];
    await expect(mergeRuns(two, join(root, 'a'))).rejects.toThrow(/--out .*a: is one of the inputs/);
  });
});
