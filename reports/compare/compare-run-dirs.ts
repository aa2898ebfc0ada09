/**
 * `stampede compare <base> <candidate>`: reads both run directories, refuses runs that cannot be
 * compared (different traffic, latency models, an invalid run: one `E_USAGE` line, exit 2)
 * unless `allowMismatch`, judges them and renders the result in the format asked for.
 */
import { StampedeError } from '../../harness/errors.js';
import { readRunDir } from '../run-dir/read-run-dir.js';
import { renderCompareHtml } from './compare-html.js';
import { renderCompareJunit } from './compare-junit.js';
import { type Comparison, compareRuns } from './compare-runs.js';
import { renderCompareMarkdown, renderCompareText } from './compare-tables.js';
import { COMPARE_DEFAULTS, type CompareThresholds } from './compare-thresholds.js';
import { matchRuns } from './run-match.js';

/** Output formats of `stampede compare`. */
export const COMPARE_FORMATS = ['text', 'md', 'html', 'json', 'junit'] as const;

/** One of `COMPARE_FORMATS`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** How to compare. */
export interface CompareOptions {
  readonly thresholds?: CompareThresholds;
  readonly format?: CompareFormat;
  /** Compare despite a mismatch, which then heads every output. */
  readonly allowMismatch?: boolean;
}

/** A rendered comparison and whether it found a regression. */
export interface CompareOutcome {
  readonly comparison: Comparison;
  readonly text: string;
  readonly regressed: boolean;
}

/** Compares `candidateDir` against `baseDir` and renders it. */
export async function compareRunDirs(
  baseDir: string,
  candidateDir: string,
  opts: CompareOptions = {},
): Promise<CompareOutcome> {
  const base = await readRunDir(baseDir);
  const candidate = await readRunDir(candidateDir);
  const match = matchRuns(base, candidate);
  if (match.mismatches.length > 0 && !opts.allowMismatch) {
    throw new StampedeError(
      'E_USAGE',
      `compare ${baseDir} ${candidateDir}: ${match.mismatches.join('; ')} (--allow-mismatch compares anyway)`,
    );
  }
  const comparison = compareRuns(
    { dir: baseDir, run: base },
    { dir: candidateDir, run: candidate },
    opts.thresholds ?? COMPARE_DEFAULTS,
    match,
  );
  const format = opts.format ?? 'text';
  const text =
    format === 'json'
      ? `${JSON.stringify(comparison, null, 2)}\n`
      : format === 'md'
        ? renderCompareMarkdown(comparison)
        : format === 'html'
          ? renderCompareHtml(comparison, base, candidate)
          : format === 'junit'
            ? renderCompareJunit(comparison)
            : renderCompareText(comparison);
  return { comparison, text, regressed: comparison.regressed };
}
