/**
 * Version-1 run directories (frozen in test/fixtures/run-dir-v1, written at a62c111) stay
 * readable: `report`, `gate`, `compare` and `merge` read them through the one adapter into the
 * version-2 shape, keep what version 1 recorded and say null for what it never did.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeRunDirs } from '../../reports/merge/merge-run-dirs.js';
import { REPORT_FORMAT_NAMES, renderReport } from '../../reports/render/report-formats.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runCli } from '../reliability/cli-process.js';

const FIXTURES = new URL('../fixtures/run-dir-v1/', import.meta.url).pathname;
const root = await mkdtemp(join(tmpdir(), 'stampede-v1-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy: `gate` writes junit.xml and gates.md into the directory. */
async function copyOf(name: string): Promise<string> {
  const dir = join(root, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The fields of a version-1 summary.json these tests compare with. */
interface V1Step {
  readonly count: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly offered: number;
  readonly latencyMs: { readonly p99: number };
}
interface V1 {
  readonly arrivals: number;
  readonly dropped: number;
  readonly completed: number;
  readonly steps: Record<string, V1Step>;
}

async function v1Summary(name: string): Promise<V1> {
  return JSON.parse(await readFile(join(FIXTURES, name, 'summary.json'), 'utf8'));
}

/** The compiled CLI (built by `npm test` before vitest). */
const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCli(args);

describe('version-1 run directories', () => {
  it('read into the version-2 shape, counts as version 1 wrote them, new figures null', async () => {
    const v1 = await v1Summary('synthetic');
    const run = await readRunDir(join(FIXTURES, 'synthetic'));
    const s = run.summary;
    expect(s.schemaVersion).toBe(2);
    expect([s.arrivals, s.dropped, s.completed]).toEqual([v1.arrivals, v1.dropped, v1.completed]);
    for (const [name, st1] of Object.entries(v1.steps)) {
      const st = s.steps[name]!;
      expect([st.count, st.ok, st.errors, st.offered], name).toEqual([
        st1['count'],
        st1['ok'],
        st1['errors'],
        st1['offered'],
      ]);
      // Same histograms (from the hlog): the same percentiles, plus the new p95 between p90 and p99.
      expect(st.latencyMs.p99, name).toBe(st1.latencyMs.p99);
      expect(st.latencyMs.p95).toBeGreaterThanOrEqual(st.latencyMs.p90);
      expect(st.latencyMs.p95).toBeLessThanOrEqual(st.latencyMs.p99);
      expect([st.finals, st.errorRate, st.latencyOkMs, st.userWaitMs, st.droppedArrivals]).toEqual([
        null,
        null,
        null,
        null,
        null,
      ]);
      // Per attempt: (count - ok) / count, version 1 had no cancelled or target-error.
      expect(st.attemptErrorRate).toBeCloseTo((st1.count - st1.ok) / st1.count, 6);
    }
    expect([s.succeeded, s.flows]).toEqual([null, null]);
    expect(s.backlog.source).toBe('cumulative-estimate');
    expect(s.takedowns.map((t) => [t.name, t.startS, t.endS])).toEqual([['maintenance', 30, 34]]);
    expect(run.series).toHaveLength(40);
    expect(run.series[0]!.steps[0]!.finals).toBeNull();
    expect(run.series[0]!.steps[0]!.serviceMs!.p90).toBeNull(); // version 1 kept svc p50/p99 only
  });

  it('render in every format', async () => {
    const run = await readRunDir(join(FIXTURES, 'synthetic'));
    for (const f of REPORT_FORMAT_NAMES) expect(renderReport(run, f).length, f).toBeGreaterThan(100);
    expect(renderReport(run, 'text')).toContain('cumulative estimate');
  });

  it('`report` and `gate` read them from the command line', async () => {
    const r = await cli('report', await copyOf('synthetic'), '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).schemaVersion).toBe(2);
    const g = await cli('gate', await copyOf('synthetic'), '--gate', 'login p99 < 1s');
    expect(g.code, g.stderr).toBe(0);
    const bad = await cli('gate', await copyOf('synthetic'), '--gate', 'login p99 < 1ms');
    expect(bad.code).toBe(1);
  }, 60_000);

  it('`compare` compares two of them', async () => {
    const r = await cli('compare', await copyOf('shard-1'), await copyOf('shard-2'), '--format', 'json');
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).not.toMatch(/schemaVersion/);
  }, 60_000);

  it('`merge` merges two version-1 shards: the sums of their counts', async () => {
    const [a, b] = [await v1Summary('shard-1'), await v1Summary('shard-2')];
    const out = join(root, 'merged');
    const m = await mergeRunDirs([join(FIXTURES, 'shard-1'), join(FIXTURES, 'shard-2')], out);
    expect(m.arrivals).toBe(a.arrivals + b.arrivals);
    expect(m.dropped).toBe(a.dropped + b.dropped);
    for (const name of ['login', 'reset-confirm']) {
      const [x, y] = [a.steps[name]!, b.steps[name]!];
      expect(m.steps[name]!.count, name).toBe(x.count + y.count);
      expect(m.steps[name]!.ok, name).toBe(x.ok + y.ok);
      expect(m.steps[name]!.errors['503'] ?? 0, name).toBe((x.errors['503'] ?? 0) + (y.errors['503'] ?? 0));
    }
    // The merged directory is version 2 and reads back the same.
    expect((await readRunDir(out)).summary.steps['login']!.count).toBe(m.steps['login']!.count);
  });
});
