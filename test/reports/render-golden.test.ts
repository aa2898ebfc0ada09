import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/render/render-json.js';
import { renderMarkdown } from '../../reports/render/render-markdown.js';
import { renderText } from '../../reports/render/render-text.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { RunData } from '../../reports/run-dir/run-data.js';
import { writeHandBuiltV2 } from './hand-built-v2.js';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-golden-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const GOLDEN = new URL('./golden/', import.meta.url);

/** Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
async function golden(name: string, actual: string): Promise<void> {
  const url = new URL(name, GOLDEN);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await writeFile(url, actual);
    return;
  }
  const expected = await readFile(url, 'utf8').catch(() => {
    throw new Error(`golden file ${name} is missing: run with UPDATE_GOLDEN=1 and review it`);
  });
  expect(actual).toBe(expected);
}

async function fixedRun(): Promise<RunData> {
  const { writer } = await buildSyntheticRun(join(root, 'run'));
  return readRunDir(writer.dir);
}

describe('renderers against golden files (seeded run, fixed t0)', async () => {
  const run = await fixedRun();

  it('renderText', async () => {
    const text = renderText(run);
    await golden('synthetic-run.txt', text);
    expect(text).toContain('reset-request fell behind at 12:00:');
  });

  it('renderMarkdown', async () => {
    await golden('synthetic-run.md', renderMarkdown(run));
  });

  it('renderJson is the summary.json content', async () => {
    const file = await readFile(join(root, 'run', 'summary.json'), 'utf8');
    expect(JSON.parse(renderJson(run))).toEqual(JSON.parse(file));
  });

  it('a version-2 run: validity at the top, take-downs, user wait, final and per-attempt rates', async () => {
    await writeHandBuiltV2(join(root, 'v2'));
    const v2 = await readRunDir(join(root, 'v2'));
    const text = renderText(v2);
    await golden('hand-built-v2.txt', text);
    await golden('hand-built-v2.md', renderMarkdown(v2));
    expect(text.split('\n')[0]).toMatch(/^INVALID \(target-errors\)/);
    expect(text).toContain('eu-maintenance');
  });

  it('says "never recovered" and "ABORTED" when that is what happened', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'never'), { outage: null, crash: true });
    const text = renderText(await readRunDir(writer.dir));
    expect(text).toMatch(/reset-request fell behind at .*never recovered/);
    expect(text).toContain('ABORTED: run did not finish (partial results)');
  });
});
