/**
 * A simulation has no in-flight cap unless `--max-in-flight` asks for one: the profile's
 * `client.maxInFlight` (5 here) is one load generator's limit, not the users'. With the cap
 * asked, the arrivals it turns away are counted and the findings say so in words.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { simulate } from '../../harness/simulate/simulate-run.js';
import { findingsOf, findingsText } from '../../harness/simulate/simulation-findings.js';
import { applyInFlightCap, simulateCapacity } from '../../harness/simulate/what-if.js';

// 20 arrivals/s for 10 s (uniform: one every 50 ms = 200 arrivals); each session is two logins
// with 1 s of think time each, so it lives 1-2 s and ~20-40 are in flight at once.
const PROFILE = `
name: cap-small
description: 20 two-login sessions a second, each living 1-2 s
population: { accounts: 10000, seed: 3, mustResetShare: 0 }
client: { maxInFlight: 5, interval: 1s, requestTimeout: 10s }
reference: { adminWorkers: 1, resetServiceMs: 20, resetQueue: 5, mailPerS: 100, hashCost: 0 }
defaults:
  think: 1s
  retry: { maxAttempts: 1 }
flows:
  logins:
    accounts: no-reset
    steps: [login, { step: login, name: login-again }]
arrivals: uniform
phases: [{ name: steady, constant: 20, duration: 10s }]
`;

const root = await mkdtemp(join(tmpdir(), 'stampede-simcap-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function run(name: string, cap: number | undefined) {
  const file = join(root, `${name}.yaml`);
  await writeFile(file, PROFILE);
  const profile = applyInFlightCap(await loadProfile(file), cap);
  const r = await simulate({
    profile,
    capacity: simulateCapacity(profile, []),
    outDir: join(root, name),
    drainS: 10,
    t0EpochMs: 0,
  });
  return { r, text: findingsText(findingsOf(r, profile)) };
}

describe('simulate in-flight cap', () => {
  it('has none by default: every one of the 200 arrivals starts', async () => {
    const { r, text } = await run('uncapped', undefined);
    // 20/s x 10 s = 200 arrivals, none turned away (the profile's cap of 5 would drop most).
    expect(r.summary.arrivals).toBe(200);
    expect(r.summary.dropped).toBe(0);
    expect(r.summary.started).toBe(200);
    expect(r.data.meta.settings['maxInFlight']).toBe('none');
    expect(text).not.toContain('IN-FLIGHT CAP');
  });

  it('with --max-in-flight 5 turns the excess away and says so', async () => {
    const { r, text } = await run('capped', 5);
    // 5 places, each freed after 1-2 s: 2.5-5 starts a second over 10 s, plus the first 5:
    // between 30 and 55 of the 200 arrivals start (hand bound; the rest are dropped).
    expect(r.summary.arrivals).toBe(200);
    expect(r.summary.started).toBeGreaterThanOrEqual(30);
    expect(r.summary.started).toBeLessThanOrEqual(55);
    expect(r.summary.dropped).toBe(200 - r.summary.started);
    for (const row of r.data.series) expect(row.inFlight).toBeLessThanOrEqual(5);
    expect(r.data.meta.settings['maxInFlight']).toBe(5);
    const share = (((200 - r.summary.started) / 200) * 100).toFixed(1);
    expect(text).toContain(
      `IN-FLIGHT CAP: ${200 - r.summary.started} of the arrivals (${share} %) were turned away`,
    );
  });

  it('refuses a cap that is not a whole number >= 1 (exit 2)', async () => {
    const profile = await loadProfile(join(root, 'uncapped.yaml'));
    expect(() => applyInFlightCap(profile, 0)).toThrow(StampedeError);
    expect(() => applyInFlightCap(profile, 2.5)).toThrow('--max-in-flight: "2.5" is not a whole number >= 1');
  });
});
