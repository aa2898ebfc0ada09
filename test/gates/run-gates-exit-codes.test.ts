/**
 * `stampede run` with gates, through the compiled CLI against the embedded reference target: a
 * deliberately tight gate exits 1 with every report written and a junit.xml that a JUnit XML
 * parser reads back with the failure; a loose gate exits 0.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/stampede.js', import.meta.url));
const SMOKE = fileURLToPath(new URL('../../profiles/smoke.yaml', import.meta.url));

async function run(out: string, gate: string): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, 'run', SMOKE, '--out', out, '--workers', '1', '--gate', gate], {
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
    const [tightCode, looseCode] = await Promise.all([
      run(tight, 'login-new p99 < 1us'),
      run(loose, 'login-new p99 < 30s'),
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
