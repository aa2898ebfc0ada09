/**
 * A planned outage answering 503 is a take-down with its drain time, never a fall-behind
 * (docs/measurement.md#take-down). Hand-built: 50 arrivals/s, outage +10 s for 5 s, after it the
 * herd of 50 retries and a backlog that drains in three intervals.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../reports/analysis/analyze-run.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-takedown-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const R = 50;
const gauges = (atTarget: number, inBackoff = 0) => ({ atTarget, inClient: 0, inBackoff });

function intervals(): IntervalSpec[] {
  const out: IntervalSpec[] = [];
  for (let i = 0; i < 25; i++) {
    if (i >= 10 && i < 15) {
      // Down: every attempt answered 503 in 1 ms; the sessions wait to retry.
      out.push({
        steps: [{ step: 0, offered: R, attempts: [{ cls: '503', n: R, latencyMs: 1 }], finals: [] }],
        backlog: gauges(0, R),
      });
    } else if (i === 15) {
      // Back: 50 new + 50 retries offered, 40 answered (800 ms): backlog 0 + 100 - 40 = 60.
      out.push({
        steps: [{ step: 0, offered: 2 * R, retries: R, attempts: [{ cls: 'ok', n: 40, latencyMs: 800 }] }],
        backlog: gauges(60),
      });
    } else if (i === 16) {
      // 50 offered, 90 answered (400 ms): backlog 60 + 50 - 90 = 20.
      out.push({
        steps: [{ step: 0, offered: R, attempts: [{ cls: 'ok', n: 90, latencyMs: 400 }] }],
        backlog: gauges(20),
      });
    } else if (i === 17) {
      // 50 offered, 70 answered: backlog 20 + 50 - 70 = 0; latency back at 5 ms.
      out.push({
        steps: [{ step: 0, offered: R, attempts: [{ cls: 'ok', n: 70, latencyMs: 5 }] }],
        backlog: gauges(0),
      });
    } else out.push({ steps: [okStep(0, R, 5)], backlog: gauges(0) });
  }
  return out;
}

describe('a take-down is not a fall-behind', async () => {
  const outage = { name: 'regional', startS: 10, durationS: 5, regions: ['eu'] };
  const meta = handMeta({ steps: ['login'], outages: [outage] });
  await writeHandRun(join(root, 'run'), meta, intervals());
  const run = await readRunDir(join(root, 'run'));

  it('reports the outage as a take-down with its drain time', () => {
    expect(run.summary.takedowns).toEqual([
      {
        name: 'regional',
        startS: 10,
        endS: 15,
        backlogAtStart: 0, // gauges at the end of interval 9
        inBackoffAtEnd: 50, // gauges at the end of interval 14, the herd
        responses503: 5 * R, // 5 intervals x 50 attempts
        // Intervals 15 (backlog 60) and 16 (20) are above baseline (2 x 0 x 50 + 5); interval 17
        // is back (0 and 5 ms) and stays: drained at its end, 18 s, that is 18 - 15 = 3 s.
        drainS: 3,
      },
    ]);
  });

  it('finds no fall-behind and no metastability', () => {
    expect(run.summary.fellBehind).toBeNull();
    expect(run.summary.metastable).toBeNull();
  });

  it('control: the same series without the planned outage is a throughput fall-behind at +10 s', () => {
    const a = analyzeRun({ t0Ms: meta.t0Ms, intervalS: 1, steps: meta.steps, rows: run.series, outages: [] });
    expect(a.fellBehind?.map((f) => [f.step, f.atS, f.reason])).toEqual([['login', 10, 'throughput']]);
    // Recovery = backlog and latency back to baseline: interval 17, read at its end.
    expect(a.fellBehind?.[0]?.recoveredAtS).toBe(18);
  });

  it('says "not drained" when the backlog never comes back within the run', async () => {
    const stuck = intervals().map((s, i) => (i >= 15 ? { ...s, backlog: gauges(60) } : s));
    for (let i = 15; i < 25; i++) {
      stuck[i] = { steps: [{ step: 0, offered: R, attempts: [{ cls: 'ok', n: 40, latencyMs: 900 }] }] };
    }
    await writeHandRun(join(root, 'stuck'), meta, stuck);
    const s = (await readRunDir(join(root, 'stuck'))).summary;
    expect(s.takedowns[0]!.drainS).toBeNull();
  });
});
