/**
 * `stampede run` with gates, through the compiled CLI against the embedded reference target: a
 * deliberately tight gate exits 1 with every report written and a junit.xml that a JUnit XML
 * parser reads back with the failure; a loose gate exits 0. `stampede gate` on a run marked
 * invalid fails every gate, and judges them with --allow-invalid.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/stampede.js', import.meta.url));
const SMOKE = fileURLToPath(new URL('../../profiles/smoke.yaml', import.meta.url));

/**
 * The shipped smoke profile (both flows, retries, an outage) cut from 8 s to 3 s: 2 s at 45/s
 * with a 0.5 s outage, then 1 s down to 20/s. The gates judge its figures, not its length.
 */
function shortSmoke(dir: string): string {
  const text = readFileSync(SMOKE, 'utf8');
  const phases = text.indexOf('\nphases:');
  const file = join(dir, 'smoke-short.yaml');
  writeFileSync(
    file,
    `${text.slice(0, phases)}
phases:
  - { name: steady, constant: 45, duration: 2s }
  - { name: cooldown, ramp: [45, 20], duration: 1s }

outages:
  - { name: blip, start: 1s, duration: 500ms }
`,
  );
  return file;
}

async function run(profile: string, out: string, gate: string): Promise<number | null> {
  // --allow-invalid: on a busy machine the generator may run late, which marks the run invalid
  // and would fail every gate; this test is about the gates' own verdicts.
  const args = [BIN, 'run', profile, '--out', out, '--workers', '1', '--gate', gate, '--allow-invalid'];
  const child = spawn(process.execPath, args, {
    stdio: 'ignore',
    env: { ...process.env, CI: 'true', GITHUB_STEP_SUMMARY: '' },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('run with gates', () => {
  it('exits 1 on a tight gate with junit.xml recording the failure, 0 on a loose one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stampede-gates-'));
    const tight = join(dir, 'tight');
    const loose = join(dir, 'loose');
    const profile = shortSmoke(dir);
    const [tightCode, looseCode] = await Promise.all([
      run(profile, tight, 'login-new p99 < 1us'),
      run(profile, loose, 'login-new p99 < 30s'),
    ]);
    expect(tightCode).toBe(1);
    expect(looseCode).toBe(0);
    for (const f of ['summary.json', 'histograms.hlog', 'report.html', 'junit.xml', 'gates.md']) {
      expect(existsSync(join(tight, f)), f).toBe(true);
    }
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(join(tight, 'junit.xml'), 'utf8'),
    ) as {
      testsuites: {
        testsuite: { tests: string; failures: string; testcase: { name: string; failure?: unknown }[] };
      };
    };
    const suite = xml.testsuites.testsuite;
    const cases = Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
    const failed = cases.find((c) => c.name.includes('login-new p99 < 1us'));
    expect(failed?.failure).toBeDefined();
    expect(Number(suite.failures)).toBe(1);
    const summary = JSON.parse(readFileSync(join(tight, 'summary.json'), 'utf8')) as {
      gates: { pass: boolean }[];
    };
    expect(summary.gates.filter((g) => !g.pass)).toHaveLength(1);
  });
});

describe('gate on an invalid run', () => {
  it('fails every gate unless --allow-invalid', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stampede-gates-invalid-')), 'run');
    cpSync(fileURLToPath(new URL('../fixtures/run-dir-v1/synthetic', import.meta.url)), dir, {
      recursive: true,
    });
    // Read once (v1 -> v2 through the adapter by `gate`), then mark the v2 summary invalid.
    expect(await gate(dir, [])).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    summary.validity = {
      valid: false,
      problems: [{ kind: 'worker-lost', workersLost: 1, lostShare: 0.5, message: 'worker 1 lost' }],
    };
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
    expect(await gate(dir, [])).toBe(1);
    const md = readFileSync(join(dir, 'gates.md'), 'utf8');
    expect(md).toContain('run invalid (worker-lost)');
    expect(await gate(dir, ['--allow-invalid'])).toBe(0);
  });
});

async function gate(dir: string, more: readonly string[]): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, 'gate', dir, '--gate', 'login p99 < 10s', ...more], {
    stdio: 'ignore',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}
