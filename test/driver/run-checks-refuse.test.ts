/**
 * Before the first request: a target file without a step the profile uses, and a gate naming a
 * step the run does not have, are refused with a one-line error (exit 2).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunPlan } from '../../harness/driver/run-checks.js';
import { StampedeError } from '../../harness/errors.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import { resolveTarget } from '../../targets/registry.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';

async function setup(): Promise<{ dir: string; profileFile: string; targetFile: string }> {
  const dir = tempDir();
  const profileFile = join(dir, 'p.yaml');
  writeFileSync(
    profileFile,
    [
      'population: { accounts: 1000, seed: 1, mustResetShare: 1 }',
      'flows:',
      '  forced:',
      '    weight: 1',
      '    steps: [{ step: login, expect: [403] }, reset-request]',
      'phases: [{ constant: 1, duration: 1s }]',
      '',
    ].join('\n'),
  );
  return { dir, profileFile, targetFile: writeGetTarget(dir, 'http://127.0.0.1:9') };
}

function refusal(f: () => void): StampedeError {
  try {
    f();
  } catch (err: unknown) {
    if (err instanceof StampedeError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checks before the first request', () => {
  it('refuses a target file that has no request for a step kind the profile uses', async () => {
    const { profileFile, targetFile, dir } = await setup();
    const profile = await loadProfile(profileFile);
    const target = await resolveTarget(targetFile, dir);
    const err = refusal(() => checkRunPlan(profile, target, []));
    expect(err.code).toBe('E_TARGET_FILE');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(
      /no request for step kind "reset-request" \(flow forced, step reset-request\)/,
    );
    expect(err.message).not.toMatch(/\n/);
  });

  it('refuses a gate on a step the run does not have', async () => {
    const { profileFile } = await setup();
    const profile = await loadProfile(profileFile);
    const target = await resolveTarget('reference', '.');
    const err = refusal(() => checkRunPlan(profile, target, parseGates(['reset-confrim p99 < 1s'])));
    expect(err.code).toBe('E_GATE');
    expect(err.message).toMatch(/unknown step "reset-confrim"/);
  });

  it('accepts the reference target, which performs every step kind', async () => {
    const { profileFile } = await setup();
    const profile = await loadProfile(profileFile);
    const target = await resolveTarget('reference', '.');
    expect(() => checkRunPlan(profile, target, parseGates(['reset-request p99 < 1s']))).not.toThrow();
  });
});
