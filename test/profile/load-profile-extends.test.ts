/**
 * `extends`: the parent's document is deep-merged under the child, scales compose down the chain
 * and apply to rates and timeline times only, and a problem stays located in the file holding it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile, profileHash } from '../../harness/profile/load-profile.js';
import { problemLines, profileDir } from './profile-files.js';

const files = profileDir();
afterAll(() => files.cleanup());

const PARENT = `name: parent
description: the parent
rateScale: 2
population: { accounts: 5000, seed: 9, mustResetShare: 0.5 }
client: { connections: 16, requestTimeout: 20s }
defaults:
  think: { exponential: 4s }
  retry: { maxAttempts: 4, backoff: exponential, base: 1s, max: 30s, jitter: full, on: [503] }
flows:
  reset: { weight: 0.5, accounts: must-reset, steps: [login, reset-request] }
  plain: { weight: 0.5, accounts: no-reset, steps: [login] }
regions:
  - name: eu
    start: 1h
    phases:
      - { ramp: [0, 100], duration: 10m }
      - { spike: { base: 50, peak: 400, at: 1m, width: 30s }, duration: 5m, mix: { reset: 0.9, plain: 0.1 } }
outages:
  - { start: 1h20m, duration: 30m }
gates: ["* error-rate < 1%"]
`;

describe('extends', () => {
  it('deep-merges the parent under the child and applies composed scales to rates and times only', async () => {
    files.write('parent.yaml', PARENT);
    const childFile = files.write(
      'child.yaml',
      `extends: ./parent.yaml
rateScale: 0.01
timeScale: 0.001
client: { connections: 4 }
defaults:
  think: { uniform: [0s, 100ms] }
  retry: { base: 100ms }
flows:
  plain: { steps: [login, login-new] }
`,
    );
    const p = await loadProfile(childFile);
    expect(p.name).toBe('child'); // a parent's name is not inherited
    expect(p.description).toBe('the parent');
    expect(p.rateScale).toBeCloseTo(0.02, 12);
    expect(p.timeScale).toBeCloseTo(0.001, 12);
    expect(p.population).toEqual({ accounts: 5000, seed: 9, mustResetShare: 0.5, domains: [] });
    // Mappings merge key by key.
    expect(p.client).toMatchObject({ connections: 4, requestTimeoutS: 20, maxInFlight: 10_000 });
    const [reset, plain] = p.flows;
    expect(plain?.steps.map((s) => s.kind)).toEqual(['login', 'login-new']);
    expect(reset?.steps.map((s) => s.kind)).toEqual(['login', 'reset-request']);
    // A think time is one value: the child's replaces the parent's instead of merging with it.
    expect(reset?.steps[0]?.think).toEqual({ dist: 'uniform', minS: 0, maxS: 0.1 });
    // Retry fields merge over the parent's; client behaviour is not time-scaled.
    expect(reset?.steps[0]?.retry).toMatchObject({ maxAttempts: 4, baseS: 0.1, maxS: 30, on: ['503'] });
    const eu = p.regions[0];
    expect(eu?.startS).toBeCloseTo(3.6, 9);
    expect(eu?.phases[0]).toMatchObject({ name: 'eu-0', shape: 'ramp', from: 0, to: 2 });
    expect(eu?.phases[0]?.durationS).toBeCloseTo(0.6, 9);
    const spike = eu?.phases[1];
    expect(spike).toMatchObject({ shape: 'spike', base: 1, peak: 8, mix: { reset: 0.9, plain: 0.1 } });
    if (spike?.shape !== 'spike') throw new Error('spike expected');
    expect(spike.atS).toBeCloseTo(0.06, 9);
    expect(spike.widthS).toBeCloseTo(0.03, 9);
    expect(spike.durationS).toBeCloseTo(0.3, 9);
    expect(p.outages[0]?.startS).toBeCloseTo(4.8, 9);
    expect(p.outages[0]?.durationS).toBeCloseTo(1.8, 9);
    expect(p.gates).toEqual(['* error-rate < 1%']);
  });

  it('composes scales over a chain of three and lets a child delete a key with null', async () => {
    files.write('mid.yaml', 'extends: ./parent.yaml\nrateScale: 0.5\ntimeScale: 0.1\n');
    const leaf = files.write(
      'leaf.yaml',
      `extends: mid.yaml
rateScale: 3
timeScale: 0.5
regions: null
outages: null
phases: [{ constant: 10, duration: 1m }]
`,
    );
    const p = await loadProfile(leaf);
    expect(p.rateScale).toBeCloseTo(3, 12); // 2 * 0.5 * 3
    expect(p.timeScale).toBeCloseTo(0.05, 12);
    expect(p.regions).toHaveLength(1);
    expect(p.regions[0]).toMatchObject({ name: 'global', startS: 0 });
    expect(p.regions[0]?.phases[0]).toMatchObject({ shape: 'constant', rate: 30 });
    expect(p.regions[0]?.phases[0]?.durationS).toBeCloseTo(3, 9);
    expect(p.outages).toEqual([]);
  });

  it('locates a bad value in the file that holds it, parent or child', async () => {
    const parent = files.write(
      'bad-parent.yaml',
      `population: { accounts: 100 }
flows:
  a: { weight: 1, steps: [login] }
phases:
  - { constant: 10, duration: 10s }
  - { constant: oops, duration: 10s }
`,
    );
    const child = files.write('bad-child.yaml', 'extends: bad-parent.yaml\nclient: { connections: 0 }\n');
    expect(await problemLines(child)).toEqual([
      `${child}:2:24  client.connections  must be >= 1`,
      `${parent}:6:17  phases[1].constant  must be a number`,
    ]);
  });

  it('hashes the resolved profile, not the file it came from', async () => {
    const a = files.write('hash-a.yaml', 'name: same\nextends: parent.yaml\n');
    const b = files.write('hash-b.yaml', 'name: same\nextends: ./parent.yaml\nrateScale: 1\n');
    const c = files.write('hash-c.yaml', 'name: same\nextends: ./parent.yaml\nrateScale: 1.5\n');
    const [pa, pb, pc] = await Promise.all([loadProfile(a), loadProfile(b), loadProfile(c)]);
    expect(profileHash(pa)).toMatch(/^[0-9a-f]{64}$/);
    expect(profileHash(pa)).toBe(profileHash(pb));
    expect(profileHash(pa)).not.toBe(profileHash(pc));
  });
});
