/**
 * The main job (`npm start`: psn-relaunch-local against the embedded reference target) tells the
 * SRE what the rehearsal was built to show (issue 13): exactly one fall-behind, reset-request,
 * its onset within 10 % of the admin pool's capacity, and the profile's four planned regional
 * outages reported as take-downs with their drain times (not as falling behind). A run the
 * generator could not keep on schedule says so (validity) and is not judged on capacity figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../reports/run-dir/summary.js';
import { keptPace } from '../support/kept-pace.js';
import { relaunchRun } from '../support/relaunch-run.js';

describe('npm start (psn-relaunch-local)', () => {
  it('finds exactly one fall-behind, reset-request within 10 % of 200/s, and four take-downs with drain times', async (ctx) => {
    const run = await relaunchRun();
    const summary = JSON.parse(readFileSync(join(run.dir, 'summary.json'), 'utf8')) as Summary;
    // An invalid run fails the profile's gates (exit 1); a valid one passes them (exit 0).
    expect(run.exitCode, run.stderr).toBe(summary.validity.valid ? 0 : 1);
    expect(run.stdout).toMatch(/take-down/i);
    // The four planned outages are take-downs, each answering 503 while down.
    expect(summary.takedowns.map((t) => t.name)).toHaveLength(4);
    for (const t of summary.takedowns) expect(t.responses503, JSON.stringify(t)).toBeGreaterThan(0);
    if (!summary.validity.valid) {
      // The generator could not keep its schedule: it says so, and the capacity figures below
      // would be about the machine, not the target.
      expect(summary.validity.problems.length).toBeGreaterThan(0);
      ctx.skip();
    }
    // Both sides of the wire kept pace (test/support/kept-pace.ts): a generator sending late, or
    // a reference server reading late (it shares the machine), bunches requests, and the
    // fall-behinds are then the machine's (under two CPU hogs one valid run fell behind on
    // login-new at 108/s too). Not judged then, as an invalid run is not.
    const pace = keptPace(summary, JSON.parse(readFileSync(join(run.dir, 'target-metrics.json'), 'utf8')));
    console.log(`main job: ${pace.text}`);
    expect(pace.targetLagP99Ms, 'the reference target reports its loop lag').not.toBeNull();
    if (pace.problems.length > 0) ctx.skip();
    for (const t of summary.takedowns) expect(t.drainS, JSON.stringify(t)).not.toBeNull();
    // capacity = adminWorkers / resetService = 4 / 20 ms = 200 resets/s
    const capacity =
      Number(summary.settings['target.adminWorkers']) /
      (Number(summary.settings['target.resetServiceMs']) / 1000);
    expect(capacity).toBe(200);
    const findings = summary.fellBehind ?? [];
    // Exactly one finding: reset-request, where the admin pool's 200/s is crossed.
    expect(
      findings.map((f) => f.step),
      JSON.stringify(findings),
    ).toEqual(['reset-request']);
    const reset = findings[0]!;
    // Onset within 10 % of capacity: |offered - c/S| / (c/S) <= 0.1. The client sees the pool
    // fall behind once its queue of Q = 4 is full: random arrivals fill a shorter queue below c/S,
    // a longer one only well past it (the profile's comment has the measured onsets).
    const off = Math.abs(reset.offeredRatePerS - capacity) / capacity;
    console.log(
      `main job: reset-request onset ${reset.offeredRatePerS}/s, ${(off * 100).toFixed(1)} % off 200/s`,
    );
    expect(off, JSON.stringify(reset)).toBeLessThanOrEqual(0.1);
    // At c/S the pool's queue fills: answers cap (throughput) and queueing lifts p99 (latency) in
    // the same few intervals, and which shows first is the machine's timing (on CI's two cores,
    // with the suite's other files running, latency about one run in four): either is this finding.
    expect(['throughput', 'latency'], JSON.stringify(reset)).toContain(reset.reason);
  });
});
