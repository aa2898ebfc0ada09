/**
 * A flow whose second step comes 6 s after the first (interval 1 s) against a healthy server:
 * no finding, no backlog. Offered counts at the intended send time, so a session in think time
 * is not offered yet and not backlog (docs/measurement.md#offered, #backlog).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../reports/analysis/analyze-run.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { SeriesRow } from '../../reports/run-dir/series-row.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-think-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const RATE = 10; // arrivals/s
const ARRIVAL_S = 20; // arrivals for 20 s
const THINK_S = 6; // think before the second step
const INTERVALS = ARRIVAL_S + THINK_S + 1; // the last second steps end in interval 25

function intervals(): IntervalSpec[] {
  return Array.from({ length: INTERVALS }, (_, i) => {
    const first = i < ARRIVAL_S ? RATE : 0;
    // The second step is due THINK_S after its session's first: offered then, not before.
    const second = i >= THINK_S && i < ARRIVAL_S + THINK_S ? RATE : 0;
    return {
      arrivals: first,
      completed: second,
      succeeded: second,
      steps: [okStep(0, first, 5), okStep(1, second, 5)],
      flows: { relogin: { arrivals: first, dropped: 0, completed: second, succeeded: second } },
      // A 5 ms server at 10/s holds 10 * 0.005 = 0.05 requests on average: 0 at each cut.
      backlog: { atTarget: 0, inClient: 0, inBackoff: 0 },
    };
  });
}

describe('think time is not backlog', async () => {
  const meta = handMeta({
    steps: ['login', 'login-again'],
    flows: [{ name: 'relogin', steps: ['login', 'login-again'] }],
    plannedRatePerS: Array.from({ length: INTERVALS }, (_, i) => (i < ARRIVAL_S ? RATE : 0)),
  });
  await writeHandRun(join(root, 'run'), meta, intervals());
  const run = await readRunDir(join(root, 'run'));
  const s = run.summary;

  it('finds nothing on a healthy server', () => {
    expect(s.fellBehind).toBeNull();
    expect(s.metastable).toBeNull();
    expect(s.takedowns).toEqual([]);
    expect(s.validity).toEqual({ valid: true, problems: [] });
  });

  it('has no backlog: gauges all zero at every cut', () => {
    expect(s.backlog).toEqual({
      source: 'gauges',
      peakAtTarget: 0,
      peakInClient: 0,
      peakInBackoff: 0,
      peakTotal: 0,
      peakAtS: null,
    });
  });

  it('counts the flow end to end: goodput = succeeded / duration', () => {
    // 20 s x 10/s = 200 sessions, all succeeded, over 27 s of run.
    expect(s.flows?.['relogin']).toEqual({
      firstStep: 'login',
      arrivals: 200,
      dropped: 0,
      completed: 200,
      succeeded: 200,
      goodputPerS: Math.round((200 / 27) * 1000) / 1000,
    });
    expect(s.steps['login-again']!.errorRate).toBe(0); // 0 failed finals / 200 finals
    // HDR at 3 significant digits: 5 ms is recorded within 0.1 %.
    expect(s.steps['login-again']!.userWaitMs!.p99).toBeCloseTo(5, 1);
  });

  it('control: offered counted at scheduling (version 1) makes the think time look like backlog', () => {
    // Version 1 counted a step when it was scheduled: the second step's 10/s appear 6 s early,
    // so the cumulative estimate holds 6 s x 10/s = 60 requests that nobody had sent.
    const v1Rows: SeriesRow[] = run.series.map((r, i) => ({
      ...r,
      backlog: null,
      steps: r.steps.map((st, k) => (k === 1 ? { ...st, offered: i < ARRIVAL_S ? RATE : 0 } : st)),
    }));
    const a = analyzeRun({ t0Ms: meta.t0Ms, intervalS: 1, steps: meta.steps, rows: v1Rows, outages: [] });
    expect(a.backlog.source).toBe('cumulative-estimate');
    expect(a.backlog.peakTotal).toBe(RATE * THINK_S);
  });
});
