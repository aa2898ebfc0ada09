/**
 * A retry herd drained at capacity is not metastability (docs/measurement.md#metastability): a
 * step that sustained 50 ok/s, then sees its new load drop to 30/s while the retries of a surge
 * ask 40/s more, keeps answering 50 ok/s and sheds the other 20: it is at capacity, the herd
 * shrinks by 50 − 30 = 20/s, no hint. Control: the same load with the target answering only 10
 * ok/s (below 0.9 × 50 = 45) is flagged after the drop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-herd-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** 10 s at 50 ok/s, then 10 s of 30 new + 40 retries a second, `okPerS` of them answered ok. */
function intervals(okPerS: number): IntervalSpec[] {
  return Array.from({ length: 20 }, (_, i): IntervalSpec => {
    if (i < 10) return { steps: [okStep(0, 50, 5)] };
    return {
      steps: [
        {
          step: 0,
          offered: 70,
          retries: 40,
          attempts: [
            { cls: 'ok', n: okPerS, latencyMs: 5 },
            { cls: '503', n: 70 - okPerS, latencyMs: 1 },
          ],
        },
      ],
    };
  });
}

async function metastable(name: string, okPerS: number) {
  const dir = join(root, name);
  await writeHandRun(dir, handMeta({ steps: ['login'] }), intervals(okPerS));
  return (await readRunDir(dir)).summary.metastable;
}

describe('a retry herd at capacity', () => {
  it('answering its sustained 50 ok/s through the herd: no metastability hint', async () => {
    expect(await metastable('at-capacity', 50)).toBeNull();
  });

  it('control: answering 10 ok/s of a new load of 30/s it once served: flagged after the drop', async () => {
    expect(await metastable('held-down', 10)).toEqual([
      { step: 'login', atS: 10, after: 'load-drop', offeredRatePerS: 30, sustainedRatePerS: 50 },
    ]);
  });
});
