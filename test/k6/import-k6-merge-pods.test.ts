import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { importK6 } from '../../reports/import/import-k6.js';
import { mergeRunDirs } from '../../reports/merge/merge-run-dirs.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { generate, stepCounts, tempDir, writeLines } from './k6-import-helpers.js';
import type { K6GenLine } from './k6-ndjson-fixture.js';

// The smoke profile's step names, so the pods import with --profile and merge by its hash.
const STEPS = ['login-forced', 'reset-request', 'await-mail', 'reset-confirm', 'login-new', 'login'];

describe('import k6: 4 k6-operator pods', () => {
  it('merging the 4 pod imports equals importing their combined output', async () => {
    const profile = await loadProfile('profiles/smoke.yaml');
    const dir = await tempDir();
    const pods: K6GenLine[][] = [];
    // Pods start a few hundred ms apart, as k6-operator runners do.
    for (let i = 0; i < 4; i++) {
      const { lines } = generate({
        seed: 100 + i,
        startMs: 1715256000000 + i * 137,
        durationS: 8,
        ratePerS: 25,
        steps: STEPS,
      });
      pods.push(lines);
      await writeLines(
        join(dir, `pod-${i + 1}.json`),
        lines.map((l) => l.line),
      );
      await importK6(join(dir, `pod-${i + 1}.json`), join(dir, `run-${i + 1}`), {
        profile,
        shard: { index: i, count: 4 },
      });
    }
    const merged = await mergeRunDirs(
      [1, 2, 3, 4].map((i) => join(dir, `run-${i}`)),
      join(dir, 'merged'),
    );

    // One file with every pod's points, interleaved by time as one k6 instance would write them.
    const interleaved = pods.flat().sort((a, b) => a.chunk - b.chunk);
    await writeLines(
      join(dir, 'all.json'),
      interleaved.map((l) => l.line),
    );
    const whole = await importK6(join(dir, 'all.json'), join(dir, 'whole'), { profile });

    expect(stepCounts(merged)).toEqual(stepCounts(whole.summary));
    expect(merged.arrivals).toBe(whole.summary.arrivals);
    expect(merged.dropped).toBe(whole.summary.dropped);
    expect(merged.completed).toBe(whole.summary.completed);
    for (const s of STEPS) expect(merged.steps[s]!.latencyMs).toEqual(whole.summary.steps[s]!.latencyMs);
    // Interval by interval too: same boundaries, same counts.
    const m = await readRunDir(join(dir, 'merged'));
    const w = await readRunDir(join(dir, 'whole'));
    expect(m.meta.t0Ms).toBe(w.meta.t0Ms);
    const rows = (r: typeof m) =>
      r.series
        .filter((x) => x.arrivals > 0 || x.steps.some((s) => s.offered > 0))
        .map((x) => [x.index, x.arrivals, x.steps.map((s) => s.outcomes)]);
    expect(rows(m)).toEqual(rows(w));

    // A plain `cat` of the pod files (time restarts per pod): same totals, late points counted.
    await writeLines(
      join(dir, 'cat.json'),
      pods.flat().map((l) => l.line),
    );
    const cat = await importK6(join(dir, 'cat.json'), join(dir, 'cat'), { profile, windowMs: 2000 });
    expect(cat.late).toBeGreaterThan(0);
    expect(stepCounts(cat.summary)).toEqual(stepCounts(merged));
    for (const s of STEPS) expect(cat.summary.steps[s]!.latencyMs).toEqual(merged.steps[s]!.latencyMs);
  });
});
