/**
 * The whole run analysis in one call, in the order the definitions depend on each other: the
 * per-step signals, the backlog series, the take-downs (whose drain spans the fall-behind
 * analysis leaves out), then fall-behind and metastability. What `summarize` calls, and what the
 * HTML report draws its backlog charts from.
 */
import type { BacklogSummary, FellBehind, MetastableHint, TakeDown } from '../run-dir/summary.js';
import { type AnalysisOptions, analysisOptions } from './analysis-options.js';
import { type BacklogSeries, backlogSeries, backlogSummary } from './backlog-series.js';
import { analyzeFallBehind } from './fall-behind.js';
import { analyzeMetastability } from './metastability.js';
import { type AnalysisInput, stepSignals } from './step-signals.js';
import { analyzeTakeDowns } from './take-downs.js';

/** Everything the analysis finds in a run. */
export interface RunAnalysis {
  readonly backlogSeries: BacklogSeries;
  readonly backlog: BacklogSummary;
  readonly takedowns: readonly TakeDown[];
  readonly fellBehind: readonly FellBehind[] | null;
  readonly metastable: readonly MetastableHint[] | null;
}

/** Analyses a run's series (docs/measurement.md defines every finding). */
export function analyzeRun(input: AnalysisInput, options: Partial<AnalysisOptions> = {}): RunAnalysis {
  const o = analysisOptions(options);
  const signals = input.steps.map((_, i) => stepSignals(input, i, o));
  const series = backlogSeries(input.rows);
  const td = analyzeTakeDowns(input, signals, series, o);
  return {
    backlogSeries: series,
    backlog: backlogSummary(series, input.rows, input.intervalS),
    takedowns: td.takedowns,
    fellBehind: analyzeFallBehind(input, signals, td.excluded, o),
    metastable: analyzeMetastability(input, signals, td.excluded, o),
  };
}
