import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanRateBetween } from '../../harness/arrivals/profile-rate.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import type { Profile } from '../../harness/profile/profile.js';
import { trafficHash } from '../../harness/profile/traffic-hash.js';
import { importK6 } from '../../reports/import/import-k6.js';
import { renderText } from '../../reports/render/render-text.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { tempDir, writeLines } from './k6-import-helpers.js';
import { k6Time } from './k6-ndjson-fixture.js';

// A 20 s ramp from 40/s to 100/s of one-step sessions that last 3-6 s: long enough that placing
// an arrival at its iteration's end (as k6 emits it) would move it by several 2 s windows.
const START_MS = 1_796_000_000_000;
const DURATION_S = 20;
let profile: Profile;
let profileFile = '';

beforeAll(async () => {
  const dir = await tempDir();
  profileFile = join(dir, 'ramp.yaml');
  await writeFile(
    profileFile,
    [
      'name: ramp',
      'population: { accounts: 100000, seed: 3, mustResetShare: 0 }',
      'client: { maxInFlight: 10000 }',
      'flows:',
      '  login-only:',
      '    accounts: all',
      '    steps: [login]',
      'phases:',
      `  - { name: up, ramp: [40, 100], duration: ${DURATION_S}s }`,
      'gates:',
      '  - "* dropped == 0"',
    ].join('\n'),
  );
  profile = await loadProfile(profileFile);
});

/** Planned arrival times (s): arrival n when the planned integral reaches n + 0.5, as k6 spaces them. */
function plannedTimes(p: Profile): number[] {
  const out: number[] = [];
  const total = meanRateBetween(p, 0, DURATION_S) * DURATION_S;
  let t = 0;
  for (let n = 0; n + 0.5 < total; n++) {
    while (meanRateBetween(p, 0, t) * t < n + 0.5) t += 0.0005;
    out.push(t);
  }
  return out;
}

interface Gen {
  /** Stop writing at this many seconds (an aborted run), else everything. */
  readonly cutS?: number;
  /** Write the script's session start markers (stampede_sessions{phase:start}). */
  readonly markers: boolean;
}

/** k6 NDJSON of the exporter's shape for the planned arrivals; sorted by point time as k6 flushes. */
function lines(p: Profile, g: Gen): { lines: string[]; started: number; ended: number } {
  const pts: { at: number; text: string }[] = [];
  const point = (metric: string, at: number, value: number, tags: Record<string, string>): void => {
    pts.push({
      at,
      text: JSON.stringify({ metric, type: 'Point', data: { time: k6Time(at, 0), value, tags } }),
    });
  };
  const scen = { flow: 'login-only', scenario: 'login-only--global', region: 'global', group: '' };
  let started = 0;
  let ended = 0;
  plannedTimes(p).forEach((s, n) => {
    const at = START_MS + s * 1000;
    const durMs = 3000 + (n % 4) * 1000;
    const cut = g.cutS === undefined ? Number.POSITIVE_INFINITY : START_MS + g.cutS * 1000;
    if (at >= cut) return;
    started++;
    if (g.markers) point('stampede_sessions', at, 1, { ...scen, phase: 'start' });
    const reqEnd = at + 12;
    if (reqEnd < cut) {
      const tags = {
        ...scen,
        step: 'login',
        retry: 'false',
        status: '200',
        expected_response: 'true',
        name: 'x',
      };
      point('http_req_duration', reqEnd, 12, tags);
    }
    if (at + durMs < cut) {
      ended++;
      point('stampede_sessions', at + durMs, 1, { ...scen, phase: 'succeeded' });
      point('iteration_duration', at + durMs, durMs, scen);
    }
  });
  pts.sort((a, b) => a.at - b.at);
  return { lines: pts.map((x) => x.text), started, ended };
}

async function importOf(g: Gen, extra: { summaryExport?: string } = {}) {
  const dir = await tempDir();
  const file = join(dir, 'out.json');
  const gen = lines(profile, g);
  await writeLines(file, gen.lines);
  const res = await importK6(file, join(dir, 'run'), { intervalMs: 500, profile, ...extra });
  return { gen, res, run: await readRunDir(join(dir, 'run')), dir };
}

/** Arrivals per 2 s window from the run's series, by window start (s). */
function perWindow(series: readonly { tS: number; arrivals: number }[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of series)
    m.set(Math.floor(r.tS / 2) * 2, (m.get(Math.floor(r.tS / 2) * 2) ?? 0) + r.arrivals);
  return m;
}

describe('import k6: sessions', () => {
  it.each([
    ['start markers', true],
    ['point time - iteration_duration', false],
  ])('arrivals match the plan within 5 %% over every 2 s window (%s)', async (_name, markers) => {
    const { run, gen } = await importOf({ markers });
    expect(run.summary.arrivals).toBe(gen.started);
    const got = perWindow(run.series);
    for (let w = 0; w < DURATION_S; w += 2) {
      // Planned arrivals of [w, w + 2): the profile's mean rate over it × 2 s.
      const want = meanRateBetween(profile, w, w + 2) * 2;
      expect(
        Math.abs((got.get(w) ?? 0) - want),
        `window ${w}s: ${got.get(w)} vs ${want}`,
      ).toBeLessThanOrEqual(want * 0.05);
    }
  });

  it('arrivals counted at iteration end would miss the plan (the check can fail)', async () => {
    const { run } = await importOf({ markers: false });
    // Completions are the end-time placement: the first 2 s window has none of its ~88 arrivals.
    const done = new Map<number, number>();
    for (const r of run.series)
      done.set(Math.floor(r.tS / 2) * 2, (done.get(Math.floor(r.tS / 2) * 2) ?? 0) + r.completed);
    expect(done.get(0) ?? 0).toBe(0);
  });

  it('a complete output is not aborted; nothing is left in flight', async () => {
    const { run, res } = await importOf({ markers: true });
    expect(run.summary.aborted).toBe(false);
    expect(res.unfinished).toBe(0);
    expect(run.series.at(-1)!.inFlight).toBe(0);
    // --profile records the profile's gates: a bare `stampede gate` has them.
    expect(run.summary.gates?.map((g) => g.expr)).toEqual(['* dropped == 0']);
    // The profile's traffic hash, as a native run records it: compare matches the two runs.
    expect(run.meta.profile.trafficHash).toBe(trafficHash(profile));
    // k6 does not report send lateness: the report says unknown, never "max 0 ms".
    const text = renderText(run);
    expect(text).toContain('driver lateness unknown');
    expect(text).not.toMatch(/driver lateness (max|p99)/);
  });

  it('a truncated (aborted) output imports as aborted, with its sessions in flight counted', async () => {
    const { run, res, gen } = await importOf({ markers: true, cutS: 5 });
    expect(run.summary.aborted).toBe(true);
    expect(run.summary.abortReason).toMatch(/stopped at .* of the planned .*last point.*in flight/);
    // Truth: sessions started before the cut minus those that ended before it.
    expect(res.unfinished).toBe(gen.started - gen.ended);
    expect(run.summary.started).toBe(gen.started);
    expect(run.summary.completed).toBe(gen.ended);
    expect(run.series.at(-1)!.inFlight).toBe(gen.started - gen.ended);
  });

  it("k6's --summary-export tells an aborted run by its duration (count / rate)", async () => {
    const dir = await tempDir();
    const summary = join(dir, 'summary.json');
    // 5 s run: 310 iterations at 62/s.
    await writeFile(
      summary,
      JSON.stringify({ metrics: { iterations: { count: 310, rate: 62 } }, root_group: {} }),
    );
    const { run } = await importOf({ markers: true, cutS: 5 }, { summaryExport: summary });
    expect(run.summary.aborted).toBe(true);
    expect(run.summary.abortReason).toMatch(/stopped at 5s .*--summary-export/);
    await writeFile(summary, JSON.stringify({ metrics: { iterations: { count: 1400, rate: 1400 / 26 } } }));
    const full = await importOf({ markers: true }, { summaryExport: summary });
    expect(full.run.summary.aborted).toBe(false);
  });
});
