/**
 * An interval where the generator itself was late (its lateness p99 above `lateIntervalMs`,
 * 10 ms) is not evidence against the target (docs/measurement.md#fall-behind): its stall is in
 * every latency and service time it took, and its bunched sends overflow a short queue below the
 * target's capacity. Each case is run twice, the generator late and on time, so the rule is seen
 * to decide, not some other part of the analysis.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-late-generator-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** `n` sends each `ms` late (the interval's lateness p99 is then `ms`). */
const lateness = (n: number, ms: number): number[] => Array.from({ length: n }, () => ms);

async function analyse(name: string, intervals: IntervalSpec[]) {
  const run = await readRunDir(await written(name, intervals));
  return run.summary.fellBehind ?? [];
}

async function written(name: string, intervals: IntervalSpec[]): Promise<string> {
  const dir = join(root, name);
  await writeHandRun(dir, handMeta({ steps: ['login'] }), intervals);
  return dir;
}

/**
 * 40 ok a second at 5 ms (service 4 ms) for 20 s, except intervals 8-10, where latency is 200 ms
 * and service 150 ms: 200 > 5 × 5 and 200 − 5 >= 10 ms, 150 > 5 × 4: the latency verdict holds
 * three intervals in a row (window 3), unless the generator was late in them.
 */
function blip(lateMs: number): IntervalSpec[] {
  return Array.from({ length: 20 }, (_, i) => {
    const inBlip = i >= 8 && i <= 10;
    const latencyMs = inBlip ? 200 : 5;
    const serviceMs = inBlip ? 150 : 4;
    return {
      steps: [{ step: 0, offered: 40, attempts: [{ cls: 'ok', n: 40, latencyMs, serviceMs }] }],
      latenessMs: lateness(40, inBlip ? lateMs : 1),
    };
  });
}

/**
 * A queue of capacity 100/s under a ramp of 10/s per second from 40/s: intervals 3-6 (70-100/s)
 * lose one request each to a 503, from 7 on it sheds everything above 100/s, offered − 100 >=
 * max(3, 0.03 · offered) from 110/s on (interval 7).
 */
function ramp(lateMs: number): IntervalSpec[] {
  return Array.from({ length: 14 }, (_, i) => {
    const offered = 40 + 10 * i;
    const failed = i >= 3 && i <= 6 ? 1 : Math.max(0, offered - 100);
    return {
      steps: [
        {
          step: 0,
          offered,
          attempts: [
            { cls: 'ok', n: offered - failed, latencyMs: 5, serviceMs: 4 },
            ...(failed > 0 ? [{ cls: '503', n: failed, latencyMs: 2, serviceMs: 1 }] : []),
          ],
        },
      ],
      latenessMs: lateness(offered, i >= 3 && i <= 6 ? lateMs : 1),
    };
  });
}

describe('a late generator is not the target falling behind', () => {
  it('a latency blip in intervals where the generator was 60 ms late is no finding', async () => {
    expect(await analyse('blip-late', blip(60))).toEqual([]);
  });

  it('control: the same blip with the generator on time (1 ms) is a latency finding at +8 s', async () => {
    const found = await analyse('blip-on-time', blip(1));
    expect(found.map((f) => [f.step, f.atS, f.reason])).toEqual([['login', 8, 'latency']]);
  });

  it('single 503s while the generator was 30 ms late do not move a throughput onset back', async () => {
    const found = await analyse('ramp-late', ramp(30));
    // Onset: the first interval shedding max(3, 0.03·offered): offered 110/s (interval 7).
    expect(found.map((f) => [f.atS, f.offeredRatePerS, f.reason])).toEqual([[7, 110, 'throughput']]);
  });

  it('control: with the generator on time the onset walks back to where shedding began (70/s)', async () => {
    const found = await analyse('ramp-on-time', ramp(1));
    // Intervals 3..6 each shed >= 1 with ok < offered (f₀ = 0): the onset walks back to 3, 70/s.
    // The reason stays the confirmed stretch's verdict: throughput.
    expect(found.map((f) => [f.atS, f.offeredRatePerS, f.reason])).toEqual([[3, 70, 'throughput']]);
  });
});
