/**
 * The latency verdict needs `minOffered` (5) ok answers in an interval
 * (docs/measurement.md#fall-behind): the p99 of three answers is their max, so one slow answer a
 * cut would otherwise read as the interval's latency. A step answering 4 a second at 5 ms whose
 * intervals 8-10 each hold one 100 ms answer: no finding; the same at 10 a second: a finding.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-few-answers-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** `perS` ok a second at 5 ms for 20 s; in intervals 8-10 one of them takes 100 ms. */
function intervals(perS: number): IntervalSpec[] {
  return Array.from({ length: 20 }, (_, i) => {
    const slow = i >= 8 && i <= 10 ? 1 : 0;
    return {
      steps: [
        {
          step: 0,
          offered: perS,
          attempts: [
            { cls: 'ok', n: perS - slow, latencyMs: 5, serviceMs: 4 },
            ...(slow > 0 ? [{ cls: 'ok', n: slow, latencyMs: 100, serviceMs: 99 }] : []),
          ],
        },
      ],
      latenessMs: [1],
    };
  });
}

async function findings(name: string, perS: number) {
  const dir = join(root, name);
  await writeHandRun(dir, handMeta({ steps: ['login'] }), intervals(perS));
  return (await readRunDir(dir)).summary.fellBehind ?? [];
}

describe('latency is judged on intervals with enough answers', () => {
  it('4 answers an interval, one of them slow: no finding (4 < minOffered 5)', async () => {
    expect(await findings('four', 4)).toEqual([]);
  });

  it('control: 10 answers an interval, one slow: interval p99 100 ms > 5 × 5 ms, a latency finding at +8 s', async () => {
    const found = await findings('ten', 10);
    expect(found.map((f) => [f.atS, f.reason])).toEqual([[8, 'latency']]);
  });
});
