/**
 * `stampede capacity` as a user runs it: bad input is one line naming the flag (exit 2) before
 * anything is fired; a search whose every probe met the SLOs exits 0; one where even --min failed
 * exits 1; both write capacity.json, capacity.txt and capacity.html.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../reliability/cli-process.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';

/** The compiled CLI (built by `npm test` before vitest), as a user runs it. */
const stampede = (args: readonly string[]) => runCli(args, 60_000);

let server: TestServer;
let dir: string;
let profile: string;
let target: string;
beforeAll(async () => {
  server = await spawnTestServer('ok');
  dir = tempDir('stampede-capacity-cli-');
  target = writeGetTarget(dir, server.origin);
  profile = join(dir, 'profile.yaml');
  writeFileSync(
    profile,
    [
      'name: cli',
      'population: { accounts: 1000, seed: 1 }',
      'flows:',
      '  login-only: { weight: 1, steps: [login] }',
      'phases:',
      '  - { constant: 10, duration: 5s, process: uniform }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

// Bad input is refused before anything is fired: the nine invocations run side by side.
describe.concurrent('stampede capacity bad input', () => {
  it.each([
    [[], '--slo'],
    [['--slo', '* error-rate < 1%', '--precision', '0%'], '--precision'],
    [['--slo', '* error-rate < 1%', '--min', '0'], '--min'],
    [['--slo', '* error-rate < 1%', '--min', '100', '--max', '50'], '--min'],
    [['--slo', '* error-rate < 1%', '--probe', 'soon'], '--probe'],
    [['--slo', '* error-rate < 1%', '--settle', '10x'], '--settle'],
    [['--slo', '* error-rate < 1%', '--step', 'nope'], '--step'],
    [['--slo', 'login p99 < 25Oms'], '--slo'],
    [['--slo', 'nope p99 < 250ms'], '--slo'],
  ])(
    'exit 2 with one line naming the flag: %j',
    async (extra, flag) => {
      const out = join(dir, `bad-${flag.slice(2)}`);
      const r = await stampede(['capacity', profile, '--target', target, '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});

describe('stampede capacity exit codes', () => {
  it('exit 0 when every rate up to --max met the SLOs; exit 1 when even --min failed', async () => {
    // 200 arrivals a probe: the first sends of a run are late while connections open (the cold
    // start), and a lateness p99 over fewer than ~100 arrivals is their worst send.
    const common = [
      'capacity',
      profile,
      '--target',
      target,
      '--probe',
      '2s',
      '--settle',
      '1s',
      '--workers',
      '1',
    ];
    const okOut = join(dir, 'ok');
    const ok = await stampede([
      ...common,
      '--slo',
      '* error-rate < 1%',
      '--min',
      '100',
      '--max',
      '100',
      '--out',
      okOut,
    ]);
    const json = JSON.parse(readFileSync(join(okOut, 'capacity.json'), 'utf8')) as {
      verdict: string;
      generator: { problems: string[] } | null;
    };
    if (json.verdict === 'generator-bound') {
      // The shared machine stalled the generator past the lateness bound: the probe does not
      // count and the search says so (exit 1). That is the validity rule at work, not a pass.
      console.warn(
        `capacity CLI test: probe invalid on a loaded machine: ${json.generator?.problems.join('; ')}`,
      );
      expect(ok.code, ok.stderr).toBe(1);
      expect(json.generator?.problems.join(' ')).toMatch(/^schedule-late/);
    } else {
      expect(ok.code, ok.stderr).toBe(0);
      expect(json.verdict).toBe('max-reached');
      expect(ok.stdout).toContain('capacity: at least 100/s');
      expect(ok.stderr).toMatch(/capacity: probe 1 at 100\/s \(growth\): pass/);
    }
    expect(existsSync(join(okOut, 'capacity.html'))).toBe(true);
    expect(existsSync(join(okOut, 'capacity.txt'))).toBe(true);
    expect(existsSync(join(okOut, 'probe-01-100', 'summary.json'))).toBe(true);

    // No loopback request answers within 1 µs: the SLO fails at any rate.
    const failOut = join(dir, 'fail');
    const fail = await stampede([
      ...common,
      '--slo',
      'login p99 < 0.001ms',
      '--min',
      '100',
      '--out',
      failOut,
    ]);
    expect(fail.code, fail.stderr).toBe(1);
    const failed = JSON.parse(readFileSync(join(failOut, 'capacity.json'), 'utf8')) as {
      verdict: string;
      limitingSlo: { expr: string } | null;
    };
    if (failed.verdict === 'generator-bound')
      console.warn('capacity CLI test: the failing probe was invalid on a loaded machine');
    else {
      expect(failed.verdict).toBe('none-met');
      expect(fail.stdout).toContain('no rate met the SLOs: even --min 100/s failed');
      expect(failed.limitingSlo?.expr).toBe('login p99 < 0.001ms');
    }
  }, 120_000);
});
