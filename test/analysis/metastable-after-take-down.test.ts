/**
 * Metastability hint: after a take-down the step stays degraded (the retry herd keeps it
 * shedding) while the new requests offered are below what it sustained before
 * (docs/measurement.md#metastability). The outage's drain never ends, so the span left out of
 * the analysis ends `maxDrainIntervals` (30) after the outage, and the hint starts there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYSIS_DEFAULTS } from '../../reports/analysis/analysis-options.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-meta-'));
afterAll(() => rm(root, { recursive: true, force: true }));

function intervals(): IntervalSpec[] {
  return Array.from({ length: 55 }, (_, i): IntervalSpec => {
    if (i < 10) return { steps: [okStep(0, 50, 5)] }; // sustains 50 ok/s
    if (i < 15) return { steps: [{ step: 0, offered: 50, attempts: [{ cls: '503', n: 50, latencyMs: 1 }] }] };
    // After: 30 new/s (below 50) plus 60 retries/s; only 10 ok, 80 shed with 503.
    return {
      steps: [
        {
          step: 0,
          offered: 90,
          retries: 60,
          attempts: [
            { cls: 'ok', n: 10, latencyMs: 5 },
            { cls: '503', n: 80, latencyMs: 1 },
          ],
        },
      ],
    };
  });
}

describe('metastability after a take-down', async () => {
  const meta = handMeta({
    steps: ['login'],
    outages: [{ name: 'dc-move', startS: 10, durationS: 5, regions: [] }],
  });
  await writeHandRun(join(root, 'run'), meta, intervals());
  const s = (await readRunDir(join(root, 'run'))).summary;
  const judgedFrom = 15 + ANALYSIS_DEFAULTS.maxDrainIntervals; // outage end + drain cap = 45

  it('flags the step with the load it could not serve and what it had sustained', () => {
    expect(s.metastable).toEqual([
      { step: 'login', atS: judgedFrom, after: 'take-down', offeredRatePerS: 30, sustainedRatePerS: 50 },
    ]);
  });

  it('the take-down never drained, and past its span the step counts as fallen behind', () => {
    expect(s.takedowns[0]!.drainS).toBeNull();
    expect(s.fellBehind?.map((f) => [f.step, f.atS, f.offeredRatePerS])).toEqual([['login', judgedFrom, 30]]);
  });
});
