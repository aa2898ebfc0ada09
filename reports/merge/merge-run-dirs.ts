/**
 * `stampede merge <run-dir>... --out <dir>`: reads the shard run directories and merges them
 * (`mergeRuns`). Reading every input first means a bad directory is reported before anything is
 * written.
 */
import { readRunDir } from '../run-dir/read-run-dir.js';
import type { Summary } from '../run-dir/summary.js';
import type { MergeInput } from './merge-checks.js';
import { mergeRuns } from './merge-runs.js';

/** Merges the run directories `dirs` into `out`; returns the merged summary. */
export async function mergeRunDirs(dirs: readonly string[], out: string): Promise<Summary> {
  const inputs: MergeInput[] = [];
  for (const dir of dirs) inputs.push({ dir, run: await readRunDir(dir) });
  return mergeRuns(inputs, out);
}
