/**
 * A rate far beyond what one worker thread can schedule (40,000 arrivals/s; one client core tops
 * out around 30-45k requests/s against a trivial server, LIBS.md) against a trivial server in its
 * own process: the probe cannot be valid (sends late against their schedule, or arrivals dropped
 * by the in-flight cap), so the answer is generator-bound, never a capacity of the server.
 */
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATOR_ADVICE } from '../../harness/capacity/capacity-report.js';
import { runCapacitySearch } from '../../harness/capacity/capacity-run.js';
import { discardStream, realProbeRunner } from '../../harness/capacity/probe-runner.js';
import { engineByName } from '../../harness/engines/engine-registry.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import { resolveTarget } from '../../targets/registry.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';

let server: TestServer | null = null;
afterAll(() => server?.stop());

const PROFILE = `
name: flood
population: { accounts: 1000000, seed: 9 }
client: { maxInFlight: 2000, connections: 32, requestTimeout: 2s, interval: 500ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 100, duration: 10s, process: uniform }
`;

describe('capacity beyond the generator', () => {
  it('says generator-bound, with the problems and what to do, not a capacity', async () => {
    server = await spawnTestServer('ok');
    const dir = tempDir('stampede-capacity-gen-');
    const target = await resolveTarget(writeGetTarget(dir, server.origin), dir);
    writeFileSync(join(dir, 'profile.yaml'), PROFILE);
    const profile = await loadProfile(join(dir, 'profile.yaml'));
    const lines: string[] = [];
    const report = await runCapacitySearch({
      profile,
      slos: parseGates(['* error-rate < 1%'], '--slo'),
      bounds: { minPerS: 40_000, maxPerS: 80_000, precision: 0.05 },
      probeS: 2,
      settleS: 1,
      outDir: join(dir, 'out'),
      step: null,
      workers: 1,
      runner: realProbeRunner({
        target,
        engine: engineByName('undici'),
        workers: 1,
        drainS: 2,
        capacity: {},
        notes: discardStream(),
      }),
      progress: (l) => lines.push(l),
      signal: new AbortController().signal,
    });
    console.log(lines.join('\n'));
    expect(report.verdict).toBe('generator-bound');
    expect(report.generatorBound).toBe(true);
    expect(report.probes).toHaveLength(1);
    expect(report.capacityPerS).toBeNull();
    expect(report.bracket).toEqual([null, 40_000]);
    expect(report.generator?.invalidAtPerS).toBe(40_000);
    expect(report.generator?.problems.join(' ')).toMatch(/^(dropped|schedule-late)/);
    expect(report.generator?.advice).toBe(GENERATOR_ADVICE);
    expect(report.probes[0]!.pass).toBeNull();
    expect(lines.at(-1)).toMatch(/INVALID: (dropped|schedule-late)/);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});
