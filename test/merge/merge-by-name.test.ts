/**
 * Merge adds by outcome class NAME: two version-2 shards merged equal the unsharded run built
 * from the same snapshots (sums of counts, HDR-exact percentiles, summed gauges, flows, target
 * error messages); a class this build does not know is kept under its name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeRunDirs } from '../../reports/merge/merge-run-dirs.js';
import { IntervalMerger } from '../../reports/run-dir/interval-merger.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import { handMeta, type IntervalSpec, snapshotOf, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-merge-name-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const STEPS = ['login', 'reset-request'];
const FLOWS = [{ name: 'reset', steps: ['login', 'reset-request'] }];

/** Shard k's interval i: different latencies, classes and gauges per shard so sums are visible. */
function spec(k: number, i: number): IntervalSpec {
  const n = 10 + k * 3 + i;
  return {
    arrivals: n + 2,
    dropped: 2,
    completed: n,
    succeeded: n - 1,
    backlog: { atTarget: k + i, inClient: k, inBackoff: 2 * k },
    flows: { reset: { arrivals: n + 2, dropped: 2, completed: n, succeeded: n - 1 } },
    health: { loopDelayP99Us: 1000 * (k + 1), busy: 0.1 * (k + 1) },
    latenessMs: [0.1 * (k + 1), 0.2],
    ...(i === 1 ? { targetErrors: { [`boom ${k}`]: 1 } } : {}),
    steps: [
      {
        step: 0,
        offered: n + 1,
        retries: 1,
        attempts: [
          { cls: 'ok', n, latencyMs: 4 + k },
          { cls: '503', n: 1, latencyMs: 1 },
          ...(i === 1 ? [{ cls: 'target-error', n: 1, latencyMs: 0 }] : []),
        ],
        finals: [
          { cls: 'ok', n, waitMs: 5 + k },
          ...(i === 1 ? [{ cls: 'target-error', n: 1, waitMs: 0 }] : []),
        ],
      },
      { step: 1, offered: n - 1, attempts: [{ cls: 'ok', n: n - 1, latencyMs: 20 + 10 * k }] },
    ],
  };
}

const INTERVALS = 6;
async function shard(k: number): Promise<string> {
  const dir = join(root, `shard-${k}`);
  const meta = handMeta({ steps: STEPS, flows: FLOWS, shard: { index: k, count: 2 }, workers: 1 });
  await writeHandRun(
    dir,
    meta,
    Array.from({ length: INTERVALS }, (_, i) => spec(k, i)),
  );
  return dir;
}

describe('merge by class name', async () => {
  const merged = await mergeRunDirs([await shard(0), await shard(1)], join(root, 'merged'));
  const whole: Summary = await writeHandRun(
    join(root, 'whole'),
    handMeta({ steps: STEPS, flows: FLOWS, workers: 2 }),
    Array.from({ length: INTERVALS }, (_, i) => [spec(0, i), spec(1, i)]),
  );

  it('equals the unsharded run: sums by name and exact percentiles', () => {
    for (const k of ['arrivals', 'dropped', 'completed', 'succeeded'] as const)
      expect(merged[k], k).toBe(whole[k]);
    for (const name of STEPS) {
      const [m, w] = [merged.steps[name]!, whole.steps[name]!];
      expect(m.attempts, name).toEqual(w.attempts);
      expect(m.finals, name).toEqual(w.finals);
      expect([m.offered, m.retries, m.errorRate, m.attemptErrorRate], name).toEqual([
        w.offered,
        w.retries,
        w.errorRate,
        w.attemptErrorRate,
      ]);
      expect([m.latencyMs, m.latencyOkMs, m.serviceMs, m.userWaitMs], name).toEqual([
        w.latencyMs,
        w.latencyOkMs,
        w.serviceMs,
        w.userWaitMs,
      ]);
    }
    expect(merged.flows).toEqual(whole.flows);
    expect(merged.backlog).toEqual(whole.backlog);
  });

  it('has the hand-computed sums', () => {
    // login attempts ok: sum over k in {0,1}, i in 0..5 of (10 + 3k + i) = 2*60 + 3*6 + 2*15 = 168.
    expect(merged.steps['login']!.attempts).toEqual({ ok: 168, '503': 12, 'target-error': 2 });
    // Finals: 168 ok and 2 target-error; error rate excludes target-error: 0 / 168.
    expect(merged.steps['login']!.errorRate).toBe(0);
    // Per attempt: 12 failed (503) over 168 + 12 backend attempts.
    expect(merged.steps['login']!.attemptErrorRate).toBeCloseTo(12 / 180, 6);
    expect(merged.steps['login']!.targetErrors).toBe(2);
    // Peak gauges: at target k + i summed over k at i = 5: 5 + 6 = 11; in client 0 + 1 = 1.
    expect([merged.backlog.peakAtTarget, merged.backlog.peakInClient, merged.backlog.peakTotal]).toEqual([
      11, 1, 12,
    ]);
    // Dropped arrivals are counted at their flow's first step: 2 per shard and interval.
    expect(merged.steps['login']!.droppedArrivals).toBe(24);
  });

  it('keeps the target-error messages (validity) and the worst generator health', () => {
    expect(merged.validity.problems).toEqual(whole.validity.problems);
    expect(merged.validity.problems[0]).toMatchObject({
      kind: 'target-errors',
      count: 2,
      messages: { 'boom 0': 1, 'boom 1': 1 },
    });
  });

  it('the interval merger keeps a class it does not know, by name', () => {
    const m = new IntervalMerger();
    const t0 = 0;
    const a = snapshotOf(0, t0, 1000, {
      steps: [
        {
          step: 0,
          offered: 3,
          attempts: [
            { cls: 'teapot', n: 2, latencyMs: 3 },
            { cls: 'ok', n: 1, latencyMs: 3 },
          ],
        },
      ],
    });
    const b = snapshotOf(0, t0, 1000, {
      steps: [{ step: 0, offered: 1, attempts: [{ cls: 'teapot', n: 1, latencyMs: 3 }] }],
    });
    m.add(a);
    m.add(b);
    const [iv] = m.takeThrough(0);
    expect(iv!.steps.get(0)!.outcomes).toEqual({ teapot: 3, ok: 1 });
    expect(iv!.steps.get(0)!.finals).toEqual({ teapot: 3, ok: 1 });
  });
});
