/**
 * `stampede compare` over frozen version-1 run directories (test/fixtures/run-dir-v1) and its
 * flags: v1 runs have no traffic hash, so their whole-profile hashes are compared and the banner
 * says so; their latency is judged over every answer (v1 kept no ok-only latency); a bad limit
 * flag is one line and exit 2.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareRunDirs } from '../../reports/compare/compare-run-dirs.js';
import { COMPARE_DEFAULTS, thresholdsFromFlags } from '../../reports/compare/compare-thresholds.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin/stampede.js');
const V1 = join(process.cwd(), 'test/fixtures/run-dir-v1');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err: unknown) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('compare over version-1 run directories', () => {
  it('compares two shards of one v1 run by their whole-profile hash, and says so', async () => {
    const out = await compareRunDirs(join(V1, 'shard-1'), join(V1, 'shard-2'));
    expect(out.comparison.notes[0]).toBe(
      'base and candidate have no traffic hash (written before it existed): profiles compared by their whole-profile hash, in which name, description and seed count',
    );
    expect(out.comparison.mismatch).toEqual([]);
    const figures = out.comparison.figures.map((f) => `${f.subject} ${f.figure}`);
    expect(figures).toContain('login latency (all answers: a version-1 run)');
    // Version 1 recorded neither flows nor user wait: no goodput per flow, no user-wait row.
    expect(figures.some((f) => f.endsWith('user wait'))).toBe(false);
    expect(out.comparison.figures.find((f) => f.subject === 'run' && f.figure === 'goodput')!.verdict).toBe(
      'no data',
    );
  });

  it('refuses v1 runs of different profiles', async () => {
    await expect(compareRunDirs(join(V1, 'synthetic'), join(V1, 'shard-1'))).rejects.toThrow(
      /different profiles \(whole-profile hash\)/,
    );
  });
});

describe('compare limit flags', () => {
  it('parses every limit with its unit, defaults for the rest', () => {
    const t = thresholdsFromFlags({
      'max-error-increase': '0.5pt',
      'max-goodput-drop': '3%',
      'min-shift': '1s',
      alpha: '0.05',
    });
    expect(t).toEqual({
      ...COMPARE_DEFAULTS,
      maxErrorIncrease: 0.5,
      maxGoodputDrop: 0.03,
      minShiftMs: 1000,
      alpha: 0.05,
    });
  });
});

describe.skipIf(!existsSync(join(process.cwd(), 'dist/harness/cli/main.js')))('the compiled CLI', () => {
  it('a bad limit is one line naming the flag, exit 2', async () => {
    const a = join(V1, 'shard-1');
    const b = join(V1, 'shard-2');
    const bad = await cli(['compare', a, b, '--max-regression', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('stampede: --max-regression: "ten" is not a percentage such as 10%');
    const alpha = await cli(['compare', a, b, '--alpha', '2']);
    expect(alpha.code).toBe(2);
    expect(alpha.stderr.trim()).toBe(
      'stampede: --alpha: "2" is not a significance level in (0, 1) such as 0.01',
    );
    expect((await cli(['compare', a, b, '--max-error-increase', '2'])).code).toBe(0);
  });
});
