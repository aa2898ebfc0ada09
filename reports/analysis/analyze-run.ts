/**
 * The whole run analysis in one call, in the order the definitions depend on each other: the
 * per-step signals, the backlog series, the take-downs (whose drain spans the fall-behind
 * analysis leaves out), then fall-behind and metastability. What `summarize` calls, and what the
 * HTML report draws its backlog charts from.
 */
import type { BacklogSummary, FellBehind, MetastableHint, TakeDown } from '../run-dir/summary.js';
import { type AnalysisOptions, analysisOptions, median } from './analysis-options.js';
import { type BacklogSeries, backlogSeries, backlogSummary } from './backlog-series.js';
import { analyzeFallBehind } from './fall-behind.js';
import { analyzeMetastability } from './metastability.js';
import { type AnalysisInput, inOutage, stepSignals } from './step-signals.js';
import { analyzeTakeDowns } from './take-downs.js';

/** Everything the analysis finds in a run. */
export interface RunAnalysis {
  readonly backlogSeries: BacklogSeries;
  readonly backlog: BacklogSummary;
  readonly takedowns: readonly TakeDown[];
  readonly fellBehind: readonly FellBehind[] | null;
  readonly metastable: readonly MetastableHint[] | null;
}

/**
 * Per row, whether the at-target gauge is above its baseline band: more than `backlogFactor` ×
 * its median share of the offered attempts over the run's first loaded intervals outside
 * outages, plus `minBacklog`. Null without gauges.
 */
function targetAboveBand(input: AnalysisInput, series: BacklogSeries, o: AnalysisOptions): boolean[] | null {
  const at = series.atTarget;
  if (at === null) return null;
  const offered = input.rows.map((r) => r.steps.reduce((n, st) => n + st.offered, 0));
  const shares: number[] = [];
  input.rows.forEach((r, i) => {
    if (shares.length < o.baselineIntervals && offered[i]! >= o.minOffered && !inOutage(input, r))
      shares.push(at[i]! / offered[i]!);
  });
  const a0 = shares.length === 0 ? 0 : median(shares);
  return at.map((v, i) => v > o.backlogFactor * a0 * offered[i]! + o.minBacklog);
}

/** Analyses a run's series (docs/measurement.md defines every finding). */
export function analyzeRun(input: AnalysisInput, options: Partial<AnalysisOptions> = {}): RunAnalysis {
  const o = analysisOptions(options);
  const series = backlogSeries(input.rows);
  const above = targetAboveBand(input, series, o);
  const signals = input.steps.map((_, i) => stepSignals(input, i, o, above));
  const td = analyzeTakeDowns(input, signals, series, o);
  return {
    backlogSeries: series,
    backlog: backlogSummary(series, input.rows, input.intervalS),
    takedowns: td.takedowns,
    fellBehind: analyzeFallBehind(input, signals, td.excluded, o),
    metastable: analyzeMetastability(input, signals, td.excluded, o),
  };
}
