/**
 * Two simulations of the same traffic with different seeds compare (issue 18: "compare works
 * between simulations"): a simulation's meta carries the traffic hash (name, description, file
 * and seed left out) and the flows, built by the same `profileRunMeta` as a real run's, so
 * compare judges the pair instead of refusing it as different traffic (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../reliability/cli-process.js';
import { tempDir } from '../support/surge-fixture.js';

const SMOKE = new URL('../../profiles/smoke.yaml', import.meta.url).pathname;

describe('simulations with different seeds', () => {
  it('share a traffic hash, list their flows, and compare without refusal', async () => {
    const dir = tempDir('stampede-simseeds-');
    const runs = await Promise.all(
      [42, 43].map(async (seed) => {
        const profile = join(dir, `smoke-${seed}.yaml`);
        writeFileSync(
          profile,
          `extends: ${SMOKE}\nname: smoke-seed-${seed}\npopulation: { accounts: 10000, seed: ${seed}, mustResetShare: 0.8 }\n`,
        );
        const out = join(dir, `run-${seed}`);
        const r = await runCli(['simulate', profile, '--out', out], 60_000);
        expect(r.code, r.stderr).toBe(0);
        return { out, meta: JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) };
      }),
    );
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.meta.profile.trafficHash).toBeTypeOf('string');
    expect(a.meta.profile.trafficHash).toBe(b.meta.profile.trafficHash);
    expect(a.meta.profile.hash).not.toBe(b.meta.profile.hash); // the seeds differ
    expect(a.meta.flows.map((f: { name: string }) => f.name)).toEqual(['forced-reset', 'login-only']);
    const c = await runCli(['compare', a.out, b.out, '--format', 'json'], 30_000);
    // 0 or 1 is a verdict; 2 would be a refusal
    expect([0, 1], c.stderr).toContain(c.code);
  });
});
