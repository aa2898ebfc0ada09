import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRunDirs } from '../../reports/compare/compare-run-dirs.js';
import { seededRequests, writeFixtureRun } from '../merge/run-dir-fixture.js';

const run = promisify(execFile);
const T0 = 1_700_000_000_000;
const CLI = join(process.cwd(), 'bin/stampede.js');

let root: string;
let base: string;
let same: string;
let slower: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stampede-compare-'));
  base = join(root, 'base');
  same = join(root, 'same');
  slower = join(root, 'slower');
  await writeFixtureRun({
    dir: base,
    t0Ms: T0,
    intervals: 5,
    requests: seededRequests(1, 5, 300, [20, 200]),
  });
  await writeFixtureRun({
    dir: same,
    t0Ms: T0,
    intervals: 5,
    requests: seededRequests(2, 5, 300, [20, 200]),
  });
  // The candidate's reset-confirm step is 30 % slower; login is unchanged.
  await writeFixtureRun({
    dir: slower,
    t0Ms: T0,
    intervals: 5,
    requests: seededRequests(3, 5, 300, [20, 260]),
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err: unknown) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('compareRunDirs over real run directories', () => {
  it('finds the slower reset step regressed and login unchanged', async () => {
    const out = await compareRunDirs(base, slower, 0.1, 'text');
    expect(out.regressed).toBe(true);
    const byStep = Object.fromEntries(out.comparison.steps.map((s) => [s.step, s.verdict.verdict]));
    expect(byStep).toEqual({ login: 'no significant change', 'reset-confirm': 'regressed' });
    expect(out.text).toContain('REGRESSED beyond 10.0%: reset-confirm');
    expect(out.text).toContain('Mann-Whitney U');
    const p99 = out.comparison.steps[1]!.latencyMs['p99']!;
    expect(p99.relative!).toBeGreaterThan(0.15);
  });

  it('finds no regression between two runs of one distribution', async () => {
    const out = await compareRunDirs(base, same, 0.1, 'json');
    expect(out.regressed).toBe(false);
    expect(JSON.parse(out.text).steps).toHaveLength(2);
  });

  it('renders a self-contained HTML page with the data escaped', async () => {
    const out = await compareRunDirs(base, slower, 0.1, 'html');
    expect(out.text).not.toMatch(/<script[^>]+src=/);
    expect(out.text).not.toContain('cdn');
    expect(out.text).toContain('uPlot');
    expect(out.text).toContain('id="compare-data"');
    expect((await compareRunDirs(base, slower, 0.1, 'md')).text).toContain(
      '#### ❌ reset-confirm: regressed',
    );
  });
});

describe.skipIf(!existsSync(join(process.cwd(), 'dist/harness/cli/main.js')))('the compiled CLI', () => {
  it('compare exits 1 on a regression and writes --out', async () => {
    const file = join(root, 'cmp.md');
    const r = await cli(['compare', base, slower, '--format', 'md', '--out', file]);
    expect(r.code).toBe(1);
    expect(await readFile(file, 'utf8')).toContain('reset-confirm');
    expect((await cli(['compare', base, same])).code).toBe(0);
    const bad = await cli(['compare', base, same, '--max-regression', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('stampede: --max-regression: "ten" is not a percentage such as 10%');
  });

  it('gate exits 1 on a failed gate with reports written, 2 on a bad gate', async () => {
    const r = await cli(['gate', slower, '--gate', 'login p99 < 10s', '--gate', 'reset-confirm p50 < 1ms']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}reset-confirm p50 < 1ms/m);
    expect(await readFile(join(slower, 'junit.xml'), 'utf8')).toContain('failures="1"');
    // Without --gate, the gates recorded in summary.json are evaluated again.
    expect((await cli(['gate', slower])).code).toBe(1);
    const bad = await cli(['gate', slower, '--gate', 'reset-confirm p99 < 25Oms']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'stampede: --gate "reset-confirm p99 < 25Oms": bad value "25Oms" at column 21 (expected a number with a unit: ms, s, us)',
    );
  });

  it('merge refuses two whole-stream runs with one line and exit 2', async () => {
    const r = await cli(['merge', base, same, '--out', join(root, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('covers the whole arrival stream');
  });
});
