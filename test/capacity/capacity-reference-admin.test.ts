/**
 * The search against the embedded reference target, whose reset capacity is configured: 4 admin
 * workers x 20 ms = 200 resets/s, behind a queue of 10. A reset-only flow (one reset-request per
 * arrival, no retries) meets "reset-request error-rate < 1%" while the pool keeps up; above
 * 200/s the queue fills and the excess is answered 503. Over a probe of T s at r/s the pool
 * accepts 200*T plus what the queue and the workers hold at the end (10 + 4), so the SLO holds up
 * to (200 + 14/T)/(1 - 0.01) = 209.1/s at T = 2 s: within 10 % of 200/s, the figure asserted.
 * The probes share one server; between them the search waits for its admin queue depth and busy
 * workers to be back at their idle values, read from its /metrics.
 */
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapacitySearch } from '../../harness/capacity/capacity-run.js';
import { discardStream, realProbeRunner } from '../../harness/capacity/probe-runner.js';
import { parseCapacity } from '../../harness/cli/run-args.js';
import { engineByName } from '../../harness/engines/engine-registry.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import { tempDir } from '../support/surge-fixture.js';
import { searchAllowingOneStall } from './stall-retry.js';

const CAPACITY_PER_S = 4 / 0.02;

const PROFILE = `
name: reset-only
population: { accounts: 100000, seed: 5, mustResetShare: 1 }
client: { maxInFlight: 2000, connections: 16, requestTimeout: 2s, interval: 500ms }
reference: { adminWorkers: 4, resetServiceMs: 20, resetQueue: 10, mailPerS: 5000, hashCost: 0 }
flows:
  reset: { weight: 1, accounts: must-reset, steps: [reset-request] }
phases:
  - { constant: 100, duration: 10s, process: uniform }
`;

describe('capacity of the reference target admin pool', () => {
  it('finds the reset capacity within 10 % of 4 workers / 20 ms = 200/s, settling by /metrics', async () => {
    const dir = tempDir('stampede-capacity-ref-');
    writeFileSync(join(dir, 'profile.yaml'), PROFILE);
    const profile = await loadProfile(join(dir, 'profile.yaml'));
    const lines: string[] = [];
    const t0 = performance.now();
    const { report } = await searchAllowingOneStall('reference capacity test', (attempt) => {
      lines.length = 0;
      return runCapacitySearch({
        profile,
        slos: parseGates(['reset-request error-rate < 1%'], '--slo'),
        bounds: { minPerS: 150, maxPerS: 2000, precision: 0.05 },
        probeS: 2,
        settleS: 1,
        outDir: join(dir, `out-${attempt}`),
        step: null,
        workers: 1,
        runner: realProbeRunner({
          target: new ReferenceTarget(),
          engine: engineByName('undici'),
          workers: 1,
          drainS: 2,
          capacity: parseCapacity(profile, []),
          notes: discardStream(),
        }),
        progress: (l) => lines.push(l),
        signal: new AbortController().signal,
      });
    });
    console.log(`${lines.join('\n')}\nwall ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(report.verdict, lines.join('\n')).toBe('found');
    expect(Math.abs(report.capacityPerS! - CAPACITY_PER_S) / CAPACITY_PER_S).toBeLessThanOrEqual(0.1);
    expect(report.limitingStep).toBe('reset-request');
    expect(report.limitingSlo?.expr).toBe('reset-request error-rate < 1%');
    expect(report.stepCapacityPerS?.['reset-request']).toBeCloseTo(report.capacityPerS!, 6);
    for (const p of report.probes.slice(1)) {
      expect(p.settle?.method).toBe('metrics');
      expect(p.settle?.settled, p.settle?.detail).toBe(true);
    }
    await rm(dir, { recursive: true, force: true });
  }, 240_000);
});
