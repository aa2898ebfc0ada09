import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import type { Profile } from '../../harness/profile/profile.js';
import { importK6 } from '../../reports/import/import-k6.js';
import { defaultWindowMs } from '../../reports/import/k6-interval-window.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { tempDir, writeLines } from './k6-import-helpers.js';
import { k6Time } from './k6-ndjson-fixture.js';

// A request answered after 9.9 s is written at its end, 9.9 s after it was offered; with the
// old fixed 10 s window and a second of k6 flush lag behind newer points, its start fell out of
// the window and was counted into the oldest open interval (1036 such points in a real k6 run of
// psn-relaunch-local at 250 ms intervals).
const START_MS = 1_796_000_000_000;
let profile: Profile;

beforeAll(async () => {
  const dir = await tempDir();
  const file = join(dir, 'mail.yaml');
  await writeFile(
    file,
    [
      'name: mail',
      'population: { accounts: 1000, seed: 3, mustResetShare: 1 }',
      'client: { maxInFlight: 100, requestTimeout: 10s, interval: 250ms }',
      'flows:',
      '  forced-reset:',
      '    accounts: must-reset',
      '    steps:',
      '      - { step: reset-request }',
      '      - { step: await-mail, pollEvery: 200ms, timeout: 20s }',
      'phases:',
      '  - { name: hold, constant: 1, duration: 30s }',
    ].join('\n'),
  );
  profile = await loadProfile(file);
});

function point(metric: string, atMs: number, value: number, tags: Record<string, string>): string {
  return JSON.stringify({ metric, type: 'Point', data: { time: k6Time(atMs, 0), value, tags } });
}

describe('import k6: the window of open intervals', () => {
  it("defaults to the profile's request timeout + mail timeout + 2 s (10 s at least)", () => {
    // 10 s + 20 s + 2 s of flush lag.
    expect(defaultWindowMs(profile)).toBe(32_000);
    expect(defaultWindowMs(undefined)).toBe(10_000);
  });

  it('places a 9.9 s request at its send, behind a newer point', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    const tags = { scenario: 's', step: 'reset-request', retry: 'false', name: 'x' };
    // A point at +21 s moves the window's newest interval to 84; the 9.9 s request (ended at
    // +20.5 s, flushed after the +21 s point) was offered at +10.6 s, 10.4 s behind the newest
    // point: inside 32 s, outside the old 10 s (40 intervals: oldest open 84 − 39 = 45).
    const lines = [
      point('http_req_duration', START_MS + 20, 20, { ...tags, status: '202', expected_response: 'true' }),
      point('http_req_duration', START_MS + 21_000, 20, {
        ...tags,
        status: '202',
        expected_response: 'true',
      }),
      point('http_req_duration', START_MS + 20_500, 9_900, {
        ...tags,
        status: '503',
        expected_response: 'false',
      }),
    ];
    await writeLines(file, lines);
    const intervalMs = 250;
    const res = await importK6(file, join(dir, 'run'), { intervalMs, profile });
    expect(res.summary.degraded.filter((d) => d.includes('older than'))).toEqual([]);
    const run = await readRunDir(join(dir, 'run'));
    // Offered at 20.5 s − 9.9 s = 10.6 s: interval floor(10.6 / 0.25) = 42; the others at
    // 0.02 − 0.02 = 0 s (interval 0) and 21 − 0.02 = 20.98 s (interval 83).
    const offeredAt = run.series.filter((r) => (r.steps[0]?.offered ?? 0) > 0).map((r) => r.index);
    expect(offeredAt).toEqual([0, 42, 83]);
    // The old window (10 s = 40 intervals) folds it into the oldest open interval instead.
    const old = await importK6(file, join(dir, 'run-old'), { intervalMs, profile, windowMs: 10_000 });
    expect(old.summary.degraded.some((d) => d.includes('1 point(s) older than'))).toBe(true);
  });
});
