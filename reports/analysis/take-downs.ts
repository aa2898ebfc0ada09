/**
 * Take-downs (docs/measurement.md#take-down): every planned outage of the run (RunMeta.outages),
 * reported with the backlog at its start, the 503s answered during it, and its drain: the time
 * after its end until every step's backlog and latency were back to baseline (the operators'
 * "let the admin servers catch up"). A take-down is planned: what it causes is not a fall-behind.
 * Each outage therefore also yields the span the fall-behind analysis leaves out: from its start
 * until its drain ended, at most `maxDrainIntervals` intervals after its end.
 */
import type { TakeDown } from '../run-dir/summary.js';
import { type AnalysisOptions, firstSustained, round3 } from './analysis-options.js';
import type { BacklogSeries } from './backlog-series.js';
import type { AnalysisInput, StepSignals } from './step-signals.js';

/** The take-downs and the intervals they account for. */
export interface TakeDownAnalysis {
  readonly takedowns: TakeDown[];
  /** Per row: inside an outage or its drain (left out of the fall-behind analysis). */
  readonly excluded: boolean[];
  /** Row index at which each outage's drain span ends (exclusive), in `takedowns` order. */
  readonly spanEnds: number[];
}

/** Analyses every planned outage of the run. */
export function analyzeTakeDowns(
  input: AnalysisInput,
  signals: readonly StepSignals[],
  backlog: BacklogSeries,
  o: AnalysisOptions,
): TakeDownAnalysis {
  const { rows, intervalS } = input;
  const n = rows.length;
  const excluded = new Array<boolean>(n).fill(false);
  const spanEnds: number[] = [];
  const eps = 1e-9;
  const allAtBaseline = (i: number): boolean => signals.every((s) => s.atBaseline(i));
  const takedowns = input.outages.map((out): TakeDown => {
    const endS = out.startS + out.durationS;
    let first = rows.findIndex((r) => r.tS + intervalS > out.startS + eps);
    if (first < 0) first = n;
    // Rows from `after` start at or after the outage's end.
    let after = rows.findIndex((r) => r.tS >= endS - eps);
    if (after < 0) after = n;
    let before = -1;
    for (let i = 0; i < n && rows[i]!.tS + intervalS <= out.startS + eps; i++) before = i;
    let responses503 = 0;
    for (let i = first; i < after; i++)
      for (const st of rows[i]!.steps) responses503 += st.outcomes['503'] ?? 0;
    const drained = firstSustained(n, after, o.window, allAtBaseline, true);
    const inTime = drained >= 0 && drained - after <= o.maxDrainIntervals;
    const spanEnd = Math.min(n, inTime ? drained + 1 : after + o.maxDrainIntervals);
    for (let i = first; i < spanEnd; i++) excluded[i] = true;
    spanEnds.push(spanEnd);
    const lastIn = after - 1;
    return {
      name: out.name,
      startS: out.startS,
      endS: round3(endS),
      backlogAtStart: before < 0 ? 0 : backlog.total[before]!,
      inBackoffAtEnd: backlog.inBackoff === null || lastIn < 0 ? null : (backlog.inBackoff[lastIn] ?? null),
      responses503,
      // To the interval: the drain ended with the first interval back at baseline.
      drainS: inTime ? round3(Math.max(0, rows[drained]!.tS + intervalS - endS)) : null,
    };
  });
  return { takedowns, excluded, spanEnds };
}
