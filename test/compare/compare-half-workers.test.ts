/**
 * Two builds of the backend on the same surge: the candidate has half the admin workers. The
 * reset pipeline (mail waits on the admin pool) is reported regressed and the compare command exits 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareRunDirs } from '../../reports/compare/compare-run-dirs.js';
import { runTestSurge } from '../support/surge-fixture.js';

const PROFILE = `
name: reset-pipeline
population: { accounts: 1000000, seed: 9, mustResetShare: 1 }
client: { maxInFlight: 5000, connections: 16, requestTimeout: 10s }
reference: { adminWorkers: 8, resetServiceMs: 40, resetQueue: 5000, mailPerS: 5000, hashCost: 0 }
flows:
  forced-reset:
    weight: 1
    accounts: must-reset
    steps:
      - { step: login, name: login-forced, expect: [403] }
      - reset-request
      - { step: await-mail, pollEvery: 50ms, timeout: 30s }
phases:
  - { constant: 150, duration: 6s, process: uniform }
`;
const BIN = fileURLToPath(new URL('../../bin/stampede.js', import.meta.url));

describe('compare: half the admin workers', () => {
  it('reports the reset pipeline regressed and exits 1', async () => {
    const base = await runTestSurge({ profileYaml: PROFILE, target: 'reference', drainS: 30 });
    const candidate = await runTestSurge({
      profileYaml: PROFILE,
      target: 'reference',
      capacity: { adminWorkers: 4 },
      drainS: 30,
    });
    const { comparison, regressed } = await compareRunDirs(base.dir, candidate.dir, 0.1, 'text');
    expect(regressed).toBe(true);
    const mail = comparison.steps.find((s) => s.step === 'await-mail')!;
    expect(mail.verdict.verdict).toBe('regressed');
    const cli = spawnSync(process.execPath, [
      BIN,
      'compare',
      base.dir,
      candidate.dir,
      '--max-regression',
      '10%',
    ]);
    expect(cli.status).toBe(1);
    expect(cli.stdout.toString()).toMatch(/await-mail/);
  });
});
