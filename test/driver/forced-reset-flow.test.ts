/**
 * The whole forced-reset flow end to end through the driver against the embedded reference
 * target: login 403 -> reset -> mail -> confirm -> login with the new password, tokens captured
 * along the way (a confirm can only succeed with the mailed token, a login-new only with the new
 * password). Once over each wire transport: the same run gives the same counts over both.
 */
import { describe, expect, it } from 'vitest';
import { engineByName } from '../../harness/engines/engine-registry.js';
import { runTestSurge } from '../support/surge-fixture.js';

const PROFILE = `
name: forced-reset-e2e
population: { accounts: 100000, seed: 5, mustResetShare: 0.5 }
client: { maxInFlight: 1000, connections: 8, requestTimeout: 5s }
reference: { adminWorkers: 8, resetServiceMs: 2, resetQueue: 1000, mailPerS: 1000, hashCost: 0 }
flows:
  forced-reset:
    weight: 0.8
    accounts: must-reset
    steps:
      - { step: login, name: login-forced, expect: [403] }
      - reset-request
      - { step: await-mail, pollEvery: 20ms, timeout: 5s }
      - reset-confirm
      - login-new
  login-only:
    weight: 0.2
    accounts: no-reset
    steps: [login]
phases:
  - { constant: 40, duration: 2s, process: uniform }
`;

describe.each(['undici', 'http1'])('forced-reset flow through the driver over %s', (name) => {
  it('runs every step to success against the reference target', async () => {
    const engine = engineByName(name);
    const { summary } = await runTestSurge({ profileYaml: PROFILE, target: 'reference', engine });
    expect(summary.engine).toBe(name);
    // 2 s at 40/s = 80 arrivals; 80 % of them (about 64) must reset.
    expect(summary.arrivals).toBe(80);
    const forced = summary.steps['login-forced']!.ok;
    expect(forced).toBeGreaterThan(40);
    for (const step of ['reset-request', 'await-mail', 'reset-confirm', 'login-new']) {
      expect(summary.steps[step]!.ok, step).toBe(forced);
      expect(summary.steps[step]!.count, step).toBe(forced);
    }
    expect(summary.steps['login']!.ok).toBe(80 - forced);
    expect(summary.completed).toBe(80);
    expect(summary.aborted).toBe(false);
  });
});
