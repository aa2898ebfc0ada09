import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileDurationS } from '../../harness/arrivals/profile-rate.js';
import { derivedDrainS } from '../../harness/driver/drain.js';
import { parseK6DurationS } from '../../harness/k6/k6-scenarios.js';
import { exportK6Script, readHttpTargetDoc } from '../../harness/k6/k6-script.js';
import { VU_HEADROOM, VU_RESERVE } from '../../harness/k6/k6-vus.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { tempDir } from './k6-import-helpers.js';

const TARGET = 'targets/examples/reference.http.yaml';

/** Arrival scenarios of an export, with their VU totals. */
async function sized(profileFile: string, opts: { pods?: number; vusPerInstance?: number } = {}) {
  const profile = await loadProfile(profileFile);
  const out = exportK6Script(profile, readHttpTargetDoc(TARGET), TARGET, opts);
  const arrival = Object.values(out.options.scenarios).flatMap((s) =>
    s.executor === 'ramping-arrival-rate' ? [s] : [],
  );
  const pre = arrival.reduce((n, s) => n + s.preAllocatedVUs, 0);
  const max = arrival.reduce((n, s) => n + s.maxVUs, 0);
  return { profile, out, arrival, pre, max };
}

describe("export k6: VUs by Little's law", () => {
  it('a constant rate with fixed think and no retries needs λ × D × headroom VUs', async () => {
    const dir = await tempDir();
    const file = join(dir, 'little.yaml');
    await writeFile(
      file,
      [
        'name: little',
        'population: { accounts: 10000, seed: 1, mustResetShare: 0 }',
        'client: { maxInFlight: 100000, requestTimeout: 5s }',
        'defaults: { retry: { maxAttempts: 1 } }',
        'flows:',
        '  only:',
        '    accounts: all',
        '    steps:',
        '      - { step: login, think: 0s }',
        '      - { step: login-new, name: again, think: 2s }',
        'phases:',
        '  - { name: flat, constant: 20, duration: 60s }',
      ].join('\n'),
    );
    const { arrival, pre, max } = await sized(file);
    expect(arrival.length).toBe(1);
    // D = 2 s think (no variance) + 2 requests × 0.25 s guess = 2.5 s; L = 20/s × 2.5 s = 50.
    const want = 20 * 2.5 * VU_HEADROOM;
    expect(pre).toBeGreaterThanOrEqual(Math.floor(want * 0.98));
    expect(pre).toBeLessThanOrEqual(Math.ceil(want * 1.02));
    expect(max).toBe(Math.ceil(pre * VU_RESERVE));
  });

  it('psn-relaunch-local: within [peak × mean session, peak × (p99 session + outage) × headroom]', async () => {
    const { arrival, pre, max, profile } = await sized('profiles/psn-relaunch-local.yaml');
    // Peak arrivals of all scenarios at once, from their stages (iterations per timeUnit).
    let peak = 0;
    for (const s of arrival)
      peak += Math.max(s.startRate, ...s.stages.map((x) => x.target)) / parseK6DurationS(s.timeUnit);
    // Lower: even sessions without a retry last the mean think (~0.3 s) + 4 requests + 0.8 s mail
    // for most arrivals; upper: the p99 session (5 retries at >= 1 s Retry-After ≈ 7.2 s) plus the
    // longest outage (3.5 s), every scenario at its peak at once.
    const outage = Math.max(...profile.outages.map((o) => o.durationS));
    expect(pre).toBeGreaterThan(peak * 1.0);
    expect(pre).toBeLessThan(peak * (7.5 + outage) * VU_HEADROOM);
    // The whole local run fits one k6 instance and its own in-flight cap.
    expect(max).toBeLessThanOrEqual(profile.client.maxInFlight);
    expect(pre).toBeLessThan(4000);
  });

  it('psn-relaunch: capped by the profile maxInFlight, per pod within what one k6 instance holds', async () => {
    const one = await sized('profiles/psn-relaunch.yaml');
    // Little's law asks for millions (sessions wait through 30-minute outages with Retry-After);
    // the native run holds at most maxInFlight sessions and drops the rest: so does the export.
    expect(one.max).toBeLessThanOrEqual(one.profile.client.maxInFlight);
    expect(one.max).toBeGreaterThan(one.profile.client.maxInFlight * 0.99);
    expect(one.out.notes.some((n) => n.includes('--pods'))).toBe(true);
    const pods = await sized('profiles/psn-relaunch.yaml', { pods: 25 });
    expect(pods.out.vusPerInstance.max).toBeLessThanOrEqual(4000);
    expect(pods.out.notes.some((n) => n.includes('split the run'))).toBe(false);
  });

  it("every scenario's sessions may run until the native run would cancel them (profile end + drain)", async () => {
    const { arrival, profile } = await sized('profiles/psn-relaunch-local.yaml');
    // A real k6 run of psn-relaunch-local with gracefulStop 30 s cut 79 sessions of regions that
    // closed early (americas at +18 s) while the surge went on; natively they run to the end.
    const nativeEndS = profileDurationS(profile) + derivedDrainS(profile);
    const ends = arrival.map(
      (s) =>
        parseK6DurationS(s.startTime) +
        s.stages.reduce((a, x) => a + parseK6DurationS(x.duration), 0) +
        parseK6DurationS(s.gracefulStop),
    );
    // Each end = start + stages + ceil(rest of the profile + drain): within a second of it.
    for (const e of ends) expect(e - nativeEndS).toBeGreaterThanOrEqual(0);
    for (const e of ends) expect(e - nativeEndS).toBeLessThan(1);
  });

  it('--vus sets the VUs of each instance, spread by need', async () => {
    const { pre, max, arrival } = await sized('profiles/psn-relaunch-local.yaml', {
      vusPerInstance: 800,
      pods: 2,
    });
    expect(Math.abs(pre - 1600)).toBeLessThanOrEqual(arrival.length);
    expect(max).toBe(pre);
    for (const s of arrival) expect(s.preAllocatedVUs).toBeGreaterThanOrEqual(2);
  });
});
