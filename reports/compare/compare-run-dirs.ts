/**
 * `stampede compare <base> <candidate>`: reads both run directories, compares them and renders
 * the result in the format asked for. The command only prints (or writes `--out`) and exits.
 */
import { StampedeError } from '../../harness/errors.js';
import { readRunDir } from '../run-dir/read-run-dir.js';
import { renderCompareHtml } from './compare-html.js';
import { type Comparison, compareRuns } from './compare-runs.js';
import { renderCompareMarkdown, renderCompareText } from './compare-tables.js';

/** Output formats of `stampede compare`. */
export const COMPARE_FORMATS = ['text', 'md', 'html', 'json'] as const;

/** One of `COMPARE_FORMATS`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** `--max-regression 10%` (or `10`) as a fraction; throws `E_USAGE` otherwise. */
export function parseMaxRegression(value: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!m) throw new StampedeError('E_USAGE', `--max-regression: "${value}" is not a percentage such as 10%`);
  return Number(m[1]) / 100;
}

/** A rendered comparison and whether it found a regression beyond the limit. */
export interface CompareOutcome {
  readonly comparison: Comparison;
  readonly text: string;
  readonly regressed: boolean;
}

/** Compares `candidateDir` against `baseDir` and renders it as `format`. */
export async function compareRunDirs(
  baseDir: string,
  candidateDir: string,
  maxRegression: number,
  format: CompareFormat,
): Promise<CompareOutcome> {
  const base = await readRunDir(baseDir);
  const candidate = await readRunDir(candidateDir);
  const comparison = compareRuns(base, candidate, { maxRegression });
  const text =
    format === 'json'
      ? `${JSON.stringify(comparison, null, 2)}\n`
      : format === 'md'
        ? renderCompareMarkdown(comparison)
        : format === 'html'
          ? renderCompareHtml(comparison, base, candidate)
          : renderCompareText(comparison);
  return { comparison, text, regressed: comparison.regressed };
}
