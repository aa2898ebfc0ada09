import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { importK6 } from '../../reports/import/import-k6.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { generate, tempDir, writeLines } from './k6-import-helpers.js';

async function rejection(text: string): Promise<StampedeError> {
  const dir = await tempDir();
  const file = join(dir, 'bad.json');
  await writeFile(file, text);
  const err = await importK6(file, join(dir, 'run')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StampedeError);
  return err as StampedeError;
}

describe('import k6: malformed input', () => {
  it('refuses a file whose first line is not k6 JSON, naming file and line', async () => {
    const err = await rejection('\nstep,latency\nlogin,12\n');
    expect(err.code).toBe('E_K6_INPUT');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/bad\.json:2 {2}not valid JSON/);
  });

  it('refuses JSON that is not k6 output, and an empty file', async () => {
    const err = await rejection('{"hello":"world"}\n');
    expect(err.message).toMatch(/bad\.json:1 {2}no "type": "Metric" or "Point"/);
    const empty = await rejection('');
    expect(empty.message).toMatch(/bad\.json:1 {2}empty file/);
  });

  it('skips later malformed lines, counts them and names the first line numbers', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    const { lines, truth } = generate({
      seed: 11,
      startMs: 1715256000000,
      durationS: 4,
      ratePerS: 30,
      steps: ['login'],
    });
    const text = lines
      .map((l) => l.line)
      .join('\n')
      .split('\n');
    // Damage 3 lines after the first: a truncated write, garbage, a Point without time.
    const broken = [...text];
    broken.splice(5, 0, '{"type":"Point","data":{"time":"2024-05-09T12:00:0');
    broken.splice(9, 0, 'garbage');
    broken.splice(
      12,
      0,
      '{"type":"Point","metric":"http_req_duration","data":{"value":3,"tags":{"step":"login"}}}',
    );
    await writeLines(file, broken);
    const res = await importK6(file, join(dir, 'run'));
    expect(res.skipped).toBe(3);
    expect(res.skippedLines).toEqual([6, 10, 13]);
    const run = await readRunDir(join(dir, 'run'));
    expect(run.summary.degraded.join(' ')).toMatch(/3 malformed line\(s\) skipped \(lines 6, 10, 13\)/);
    // Nothing that was well-formed is lost.
    expect(run.summary.steps['login']!.count).toBe(truth.steps.get('login')!.count);
  });
});
