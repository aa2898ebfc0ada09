/**
 * The main job (`npm start`: psn-relaunch-local against the embedded reference target) tells the
 * SRE what the rehearsal was built to show, and nothing else: exactly one fall-behind finding,
 * the admin pool's reset-request, near its configured capacity, and the profile's four planned
 * regional outages reported as take-downs with their drain times (not as falling behind).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../reports/run-dir/summary.js';
import { relaunchRun } from '../support/relaunch-run.js';

describe('npm start (psn-relaunch-local)', () => {
  it('finds exactly one fall-behind, reset-request near 200/s, and four take-downs with drain times', async () => {
    const run = await relaunchRun();
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(run.dir, 'summary.json'), 'utf8')) as Summary;
    // capacity = adminWorkers / resetService = 4 / 20 ms = 200 resets/s
    const capacity = Number(summary.settings['target.adminWorkers']) / (Number(summary.settings['target.resetServiceMs']) / 1000);
    expect(capacity).toBe(200);
    const findings = summary.fellBehind ?? [];
    expect(findings.map((f) => f.step), JSON.stringify(findings)).toEqual(['reset-request']);
    // onset within 10 % of capacity: |offered - c/S| / (c/S) <= 0.1
    expect(Math.abs(findings[0]!.offeredRatePerS - capacity) / capacity).toBeLessThanOrEqual(0.1);
    expect(summary.takedowns).toHaveLength(4);
    for (const t of summary.takedowns) {
      expect(t.drainS, JSON.stringify(t)).not.toBeNull();
      expect(t.responses503).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/take-down/i);
  });
});
