/**
 * The `simulate` subcommand end to end through the compiled CLI: the smoke profile simulated into
 * a run directory that `report` and `gate` read unchanged (engine `simulate`, latency model
 * `simulated`), plus `simulation.json`; bad what-if flags are one-line usage errors, exit 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../reliability/cli-process.js';
import { tempDir } from '../support/surge-fixture.js';

const SMOKE = new URL('../../profiles/smoke.yaml', import.meta.url).pathname;

describe('stampede simulate', () => {
  it('writes a normal run directory that report and gate read', async () => {
    const dir = join(tempDir('stampede-simcli-'), 'run');
    const r = await runCli(
      ['simulate', SMOKE, '--out', dir, '--capacity', 'adminWorkers=4', '--retry', 'maxAttempts=2'],
      60_000,
    );
    expect(r.code, r.stderr).toBe(0);
    // The smoke profile's arrivals last 8 s: the last interval ends after that (drain included).
    expect(r.stderr).toMatch(/virtual 0:00:(0[89]|[1-5]\d) {2}done: [\d,]+ sessions/);
    expect(r.stdout).toContain('Admin pool (reset-request) by region');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ engine: 'simulate', latencyModel: 'simulated', aborted: false });
    expect(summary.settings['target.adminWorkers']).toBe(4);
    expect(existsSync(join(dir, 'simulation.json'))).toBe(true);
    const report = await runCli(['report', dir], 30_000);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('simulated against the reference model in virtual time');
    const gate = await runCli(['gate', dir, '--gate', '* dropped == 0'], 30_000);
    expect(gate.code, gate.stderr).toBe(0);
  });

  it.each([
    [['--capacity', 'workers=3'], /--capacity: unknown key "workers"/],
    [['--retry', 'maxAttempts=0'], /--retry: "maxAttempts=0" needs a whole number/],
    [['--outage', 'drain=soon'], /--outage: "drain=soon" is not drain=<duration>/],
    [['--sweep', 'adminWorkers=8..4'], /--sweep: "adminWorkers=8..4" needs 0 < a <= b/],
    [['--sweep-steps', '3'], /--sweep-steps: needs --sweep/],
  ])('refuses %j with one line and exit 2', async (flags, message) => {
    const r = await runCli(
      ['simulate', SMOKE, '--out', join(tempDir('stampede-simbad-'), 'x'), ...flags],
      30_000,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
