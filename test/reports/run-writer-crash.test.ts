import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-crash-'));
afterAll(() => rm(root, { recursive: true, force: true }));

function intervalLines(hlog: string): string[] {
  return hlog.split('\n').filter((l) => l.startsWith('Tag='));
}

describe('RunWriter crash safety', () => {
  it('leaves an aborted summary and every interval closed so far when finish() never runs', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'crash'), { crash: true, intervals: 10 });
    const summary = JSON.parse(await readFile(join(writer.dir, 'summary.json'), 'utf8'));
    expect(summary.aborted).toBe(true);
    expect(summary.abortReason).toBe('run did not finish');
    const hlog = await readFile(join(writer.dir, 'histograms.hlog'), 'utf8');
    // Every interval has a login latency line (login runs every interval).
    expect(intervalLines(hlog).filter((l) => l.startsWith('Tag=login.latency,'))).toHaveLength(10);
    const csv = await readFile(join(writer.dir, 'timeseries.csv'), 'utf8');
    expect(csv.trimEnd().split('\n')).toHaveLength(11);

    const run = await readRunDir(writer.dir);
    expect(run.summary.aborted).toBe(true);
    expect(run.series).toHaveLength(10);
    expect(run.events).toEqual([]);
    const loginCount = run.series.reduce((n, r) => n + countSum(r.steps[0]!.outcomes), 0);
    expect(run.histograms[0]!.latency.totalCount).toBe(loginCount);
    // The on-disk summary lags (checkpoints are seconds apart): the reader rebuilds it.
    expect(run.summary.steps['login']!.count).toBe(loginCount);
    expect(run.summary.abortReason).toBe('run did not finish');
    expect(run.summary.degraded.join()).toMatch(/summary rebuilt/);
  });

  it('reads a crashed directory whose last hlog and csv lines were cut mid-write', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'torn'), { crash: true, intervals: 6 });
    await appendFile(join(writer.dir, 'histograms.hlog'), 'Tag=login.latency,6.000,1.000,4.2,HISTFAAAA');
    await appendFile(join(writer.dir, 'timeseries.csv'), '6,6,38,38,3');
    const run = await readRunDir(writer.dir);
    expect(run.series).toHaveLength(6);
  });

  it('keeps what the shards delivered when finish() closes intervals that were never closed', async () => {
    const { writer, meta } = await buildSyntheticRun(join(root, 'open'), { crash: true, intervals: 5 });
    const { ShardRecorder } = await import('../../reports/recorder/shard-recorder.js');
    const r = new ShardRecorder(meta.steps.length, ['surge']);
    r.offered(1, false);
    r.attempt(1, 0, 2_000_000, 1_000_000);
    r.cut(5, meta.t0Ms + 5000, meta.t0Ms + 6000, 3);
    writer.addSnapshot(r.seal()!);
    r.destroy();
    expect(writer.runData().series).toHaveLength(5);
    const summary = await writer.finish({
      aborted: true,
      abortReason: 'SIGINT',
      degraded: ['worker 1 died'],
    });
    expect(writer.runData().series).toHaveLength(6);
    // HDR keeps 3 significant digits: 2 s is reported within 0.1 %.
    expect(Math.abs(writer.runData().series[5]!.steps[1]!.latencyMs!.max! - 2000)).toBeLessThan(2);
    expect(summary.abortReason).toBe('SIGINT');
    expect(summary.degraded).toEqual(['worker 1 died']);
    const run = await readRunDir(writer.dir);
    expect(run.summary).toEqual(summary);
  });

  it('merges a snapshot that arrives after its interval closed into the totals and the hlog', async () => {
    const { writer, meta } = await buildSyntheticRun(join(root, 'late'), { crash: true, intervals: 4 });
    const { ShardRecorder } = await import('../../reports/recorder/shard-recorder.js');
    const r = new ShardRecorder(meta.steps.length, ['surge']);
    r.offered(0, false);
    r.attempt(0, 0, 123_456, 100_000);
    r.cut(1, meta.t0Ms + 1000, meta.t0Ms + 2000, 0);
    writer.addSnapshot(r.seal()!);
    r.destroy();
    const before = writer.runData().summary.steps['login']!.count;
    const summary = await writer.finish({ aborted: false, abortReason: null, degraded: [] });
    expect(summary.steps['login']!.count).toBe(before + 1);
    expect(summary.degraded.join()).toMatch(/after their interval closed/);
    const run = await readRunDir(writer.dir);
    expect(run.histograms[0]!.latency.totalCount).toBe(before + 1);
    expect(run.series).toHaveLength(4);
  });
});
