/**
 * The card's promise, end to end: the shipped local rehearsal against the embedded reference
 * target (its configured capacity: 4 admin workers x 20 ms = 200 resets/s) reports that the reset
 * step fell behind at an offered rate near that capacity; with capacity raised well above the load
 * (and no outage windows) nothing falls behind.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTestSurge } from '../support/surge-fixture.js';

const LOCAL = fileURLToPath(new URL('../../profiles/psn-relaunch-local.yaml', import.meta.url));
const CAPACITY_PER_S = 4 / 0.02;

describe('psn-relaunch-local against the reference target', () => {
  it('names the reset step as falling behind within 20 % of the configured capacity', async () => {
    const { summary } = await runTestSurge({
      profileYaml: readFileSync(LOCAL, 'utf8').replace(
        './psn-relaunch.yaml',
        fileURLToPath(new URL('../../profiles/psn-relaunch.yaml', import.meta.url)),
      ),
      target: 'reference',
    });
    expect(summary.settings['target.adminWorkers']).toBe(4);
    expect(summary.settings['target.resetServiceMs']).toBe(20);
    const reset = summary.fellBehind?.find((f) => f.step === 'reset-request');
    expect(reset, JSON.stringify(summary.fellBehind)).toBeDefined();
    expect(Math.abs(reset!.offeredRatePerS - CAPACITY_PER_S) / CAPACITY_PER_S).toBeLessThanOrEqual(0.2);
  });

  it('reports fellBehind null when capacity is well above the load', async () => {
    const parent = fileURLToPath(new URL('../../profiles/psn-relaunch-local.yaml', import.meta.url));
    const profile = [
      `extends: ${parent}`,
      'name: relaunch-local-roomy',
      // A third of the time (20 s) keeps the suite short; the surge keeps its shape and rates.
      'timeScale: 0.34',
      // No take-downs: an outage is a fall-behind by design.
      'outages: null',
      'reference: { adminWorkers: 64, resetServiceMs: 2, resetQueue: 5000, mailPerS: 5000, hashCost: 0 }',
      '',
    ].join('\n');
    const { summary } = await runTestSurge({ profileYaml: profile, target: 'reference' });
    expect(summary.arrivals).toBeGreaterThan(800);
    expect(summary.fellBehind).toBeNull();
  });
});
