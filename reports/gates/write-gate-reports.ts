/**
 * Writes what gate evaluation leaves in a run directory: `junit.xml`, `gates.md`, the results in
 * summary.json's `gates` field (rewritten atomically: temp file + rename), and the Markdown
 * appended to GitHub's job summary when `$GITHUB_STEP_SUMMARY` is set.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import { jsonText, writeFileAtomic } from '../run-dir/atomic-write.js';
import type { GateResult, Summary } from '../run-dir/summary.js';
import { renderGateMarkdown } from './gate-markdown.js';
import { renderJunitXml } from './junit-xml.js';

/** File names gate evaluation writes into a run directory. */
export const GATE_FILES = { junit: 'junit.xml', markdown: 'gates.md', summary: 'summary.json' } as const;

async function write(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (err: unknown) {
    throw new StampedeError('E_IO', `${path}: cannot write (${errorMessage(err)})`);
  }
}

/**
 * Writes junit.xml and gates.md into `dir`, records `results` in `dir/summary.json` (the given
 * `summary` with its `gates` replaced) and appends the Markdown to `$GITHUB_STEP_SUMMARY` (or
 * `env.GITHUB_STEP_SUMMARY` when `env` is given). Returns the summary as written.
 */
export async function writeGateReports(
  dir: string,
  results: readonly GateResult[],
  summary: Summary,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Summary> {
  const updated: Summary = { ...summary, gates: results };
  const markdown = renderGateMarkdown(results, updated);
  await write(join(dir, GATE_FILES.junit), renderJunitXml(results, updated));
  await write(join(dir, GATE_FILES.markdown), markdown);
  await write(join(dir, GATE_FILES.summary), jsonText(updated));
  const stepSummary = env['GITHUB_STEP_SUMMARY'];
  if (stepSummary) {
    try {
      await appendFile(stepSummary, `${markdown}\n`);
    } catch (err: unknown) {
      throw new StampedeError(
        'E_IO',
        `$GITHUB_STEP_SUMMARY ${stepSummary}: cannot append (${errorMessage(err)})`,
      );
    }
  }
  return updated;
}
