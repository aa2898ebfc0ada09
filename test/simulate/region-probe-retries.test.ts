/**
 * simulate's per-region reset-request counts (harness/simulate/region-probe.ts) tell a retry from
 * a first attempt by the attempt number of the session whose request it is, read while the
 * request is sent. Truth: every session sends exactly one first reset-request, so per region
 * offered - retries = that region's arrivals (uniform arrivals: rate x duration), and the
 * regions' retries add up to the step's retries the recorder counted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { simulate } from '../../harness/simulate/simulate-run.js';
import { simulateCapacity } from '../../harness/simulate/what-if.js';

// One admin worker at 50 ms with a 2-place queue serves 20 resets/s; 40/s are offered, so many
// are answered 503 and retried (up to 3 attempts, 0.2 s apart).
const PROFILE = `
name: probe-retries
description: two regions' reset requests against a small admin pool
population: { accounts: 100000, seed: 5, mustResetShare: 1 }
client: { interval: 1s, requestTimeout: 10s }
reference: { adminWorkers: 1, resetServiceMs: 50, resetQueue: 2, mailPerS: 100, hashCost: 0 }
defaults:
  think: 0s
  retry: { maxAttempts: 3, backoff: none, base: 200ms, jitter: none, on: [503], respectRetryAfter: false }
flows:
  resets:
    accounts: must-reset
    steps: [reset-request]
arrivals: uniform
regions:
  - { name: eu, start: 0s, phases: [{ name: eu-steady, constant: 10, duration: 10s }] }
  - { name: us, start: 0s, phases: [{ name: us-steady, constant: 30, duration: 10s }] }
`;

const root = await mkdtemp(join(tmpdir(), 'stampede-probe-retries-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('simulate region probe', () => {
  it('counts a region first attempts and retries apart', async () => {
    const file = join(root, 'p.yaml');
    await writeFile(file, PROFILE);
    const profile = await loadProfile(file);
    const r = await simulate({
      profile,
      capacity: simulateCapacity(profile, []),
      outDir: join(root, 'run'),
      drainS: 10,
      t0EpochMs: 0,
    });
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    const of = (region: string) => {
      const t = r.regions.get(region)!;
      return { offered: sum(t.offered), retries: sum(t.retries) };
    };
    const eu = of('eu');
    const us = of('us');
    // eu: 10/s x 10 s = 100 sessions, us: 30/s x 10 s = 300, one first reset-request each.
    expect(eu.offered - eu.retries).toBe(100);
    expect(us.offered - us.retries).toBe(300);
    // 40 offered a second against 20 served: retries there are, and they are the recorder's.
    const step = r.summary.steps['reset-request']!;
    expect(eu.retries + us.retries).toBeGreaterThan(0);
    expect(eu.retries + us.retries).toBe(step.retries);
    expect(eu.offered + us.offered).toBe(step.offered);
  });
});
