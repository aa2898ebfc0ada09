/**
 * Validity (docs/measurement.md#validity): target code that threw, a worker lost with the
 * undriven share the coordinator reports, and a generator late past SCHEDULE_BOUNDS each make the
 * run invalid, with their figures; a clean run is valid.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULE_BOUNDS } from '../../reports/analysis/validity.js';
import { renderText } from '../../reports/render/render-text.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { RunEnd } from '../../reports/run-dir/run-meta.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-validity-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let n = 0;

async function summaryOf(
  specs: IntervalSpec[],
  end: RunEnd = { aborted: false, abortReason: null, degraded: [] },
) {
  const dir = join(root, `run-${n++}`);
  await writeHandRun(dir, handMeta({ steps: ['login'] }), specs, end);
  return readRunDir(dir);
}

const healthy = (extra: Partial<IntervalSpec> = {}): IntervalSpec => ({
  steps: [okStep(0, 20, 5)],
  latenessMs: [0.2, 0.4],
  health: { loopDelayP99Us: 2000, busy: 0.3 },
  ...extra,
});

describe('run validity', () => {
  it('a clean run is valid', async () => {
    const run = await summaryOf([healthy(), healthy(), healthy()]);
    expect(run.summary.validity).toEqual({ valid: true, problems: [] });
  });

  it('target-errors: the count and the messages, never in the error rate', async () => {
    const threw: IntervalSpec = {
      ...healthy(),
      targetErrors: { 'buildRequest: no account': 2 },
      steps: [
        {
          step: 0,
          offered: 20,
          attempts: [
            { cls: 'ok', n: 18, latencyMs: 5 },
            { cls: 'target-error', n: 2, latencyMs: 0 },
          ],
        },
      ],
    };
    const run = await summaryOf([healthy(), threw]);
    expect(run.summary.validity.valid).toBe(false);
    expect(run.summary.validity.problems).toMatchObject([
      { kind: 'target-errors', count: 2, messages: { 'buildRequest: no account': 2 } },
    ]);
    // Finals: 38 ok + 2 target-error; error rate = 0 failed / 38 judged (target-error apart).
    expect(run.summary.steps['login']!.errorRate).toBe(0);
    expect(run.summary.steps['login']!.targetErrors).toBe(2);
    expect(renderText(run).split('\n')[0]).toMatch(/^INVALID \(target-errors\): target code threw 2 time/);
  });

  it('worker-lost: the share the coordinator says went undriven', async () => {
    const run = await summaryOf([healthy(), healthy()], {
      aborted: false,
      abortReason: null,
      degraded: ['worker 2 died'],
      workersLost: [{ worker: 2, reason: 'exit code 134', lostShare: 0.25 }],
    });
    expect(run.summary.validity.problems).toMatchObject([
      { kind: 'worker-lost', workersLost: 1, lostShare: 0.25 },
    ]);
  });

  it('schedule-late: lateness, loop delay and busy past the documented bounds', async () => {
    // One send 600 ms late > latenessMaxMs (500).
    const late = await summaryOf([healthy(), healthy({ latenessMs: [0.2, 600] })]);
    expect(late.summary.validity.problems).toMatchObject([{ kind: 'schedule-late', latenessMaxMs: 600 }]);
    // Loop delay p99 of 80 ms > 50 ms in one interval.
    const loop = await summaryOf([healthy(), healthy({ health: { loopDelayP99Us: 80_000, busy: 0.5 } })]);
    expect(loop.summary.validity.problems).toMatchObject([{ kind: 'schedule-late', loopDelayP99Ms: 80 }]);
    // Busy >= 95 % for 3 consecutive intervals (SCHEDULE_BOUNDS.busyIntervals); 2 are not enough.
    const busy = (b: number) => healthy({ health: { loopDelayP99Us: 2000, busy: b } });
    const two = await summaryOf([busy(0.97), busy(0.97), busy(0.5), busy(0.97)]);
    expect(two.summary.validity.valid).toBe(true);
    const three = await summaryOf([busy(0.97), busy(0.97), busy(0.99)]);
    expect(three.summary.validity.problems).toMatchObject([{ kind: 'schedule-late', busyMax: 0.99 }]);
    expect(SCHEDULE_BOUNDS.busyIntervals).toBe(3);
  });
});
