/**
 * `stampede gate <run-dir>`: evaluates gates against a finished run directory. The gates are the
 * `--gate` expressions when given, else those recorded in the run's summary.json (the profile's
 * gates and the run's `--gate` flags, as evaluated at the end of the run).
 */
import { StampedeError } from '../../harness/errors.js';
import { readRunDir } from '../run-dir/read-run-dir.js';
import type { GateResult } from '../run-dir/summary.js';
import { evaluateGates, type GateEvaluationOptions } from './gate-evaluator.js';
import { parseGates } from './gate-parser.js';
import { renderGateTable } from './gate-table.js';
import { writeGateReports } from './write-gate-reports.js';

/** What `gateRunDir` did, for the command to print and turn into an exit code. */
export interface GateRunOutcome {
  readonly results: readonly GateResult[];
  /** The terminal table. */
  readonly table: string;
  readonly failed: number;
}

/**
 * Parses `exprs` (or the run's recorded gates), evaluates them over `dir`, writes junit.xml,
 * gates.md, summary.json's `gates` and the GitHub step summary. Throws `E_GATE` on a bad gate
 * (before anything is written), `E_RUN_DIR` on a bad directory, `E_USAGE` when there is no gate.
 * An invalid run fails every gate unless `opts.allowInvalid`.
 */
export async function gateRunDir(
  dir: string,
  exprs: readonly string[],
  opts: GateEvaluationOptions = {},
): Promise<GateRunOutcome> {
  const run = await readRunDir(dir);
  const recorded = run.summary.gates?.map((g) => g.expr) ?? [];
  const source = exprs.length > 0 ? '--gate' : `${dir}/summary.json gates`;
  const chosen = exprs.length > 0 ? exprs : recorded;
  if (chosen.length === 0) {
    throw new StampedeError(
      'E_USAGE',
      `${dir}: no gates recorded in summary.json; give at least one --gate "<expr>"`,
    );
  }
  const gates = parseGates(chosen, source);
  const results = evaluateGates(gates, run, opts);
  await writeGateReports(dir, results, run.summary);
  return { results, table: renderGateTable(results), failed: results.filter((r) => !r.pass).length };
}
