/**
 * What gates are evaluated over: cumulative figures since the run's t0. The same shape serves the
 * end of a run (built from a run directory by `gateFiguresOfRun`) and the live abort-on-fail
 * check (`GateMonitor`, fed by the driver once per closed interval).
 */
import type { Histogram } from 'hdr-histogram-js';
import { OUTCOME_CLASSES, type OutcomeClass } from '../../harness/vocabulary/outcome.js';
import type { RunData } from '../run-dir/run-data.js';

/** Cumulative figures of one step. */
export interface StepFigures {
  /** The step's name as in `RunMeta.steps`. */
  readonly name: string;
  /** Completed requests per outcome class since t0, indexed as `OUTCOME_CLASSES`. */
  readonly outcomes: readonly number[];
  /** Latency from the intended send time since t0, µs; null or empty when nothing was recorded. */
  readonly latency: Histogram | null;
  /** Service time since t0, µs; null or empty when nothing was recorded. */
  readonly service: Histogram | null;
}

/** Cumulative figures of a run (or of a run so far). */
export interface GateFigures {
  /** Every step of the run, including those that saw no request yet (zero counts, no histogram). */
  readonly steps: readonly StepFigures[];
  /** Arrivals (sessions offered) since t0. */
  readonly arrivals: number;
  /** Arrivals turned away by the in-flight cap since t0. */
  readonly dropped: number;
  /** Seconds covered by the figures (the run's duration, or elapsed time so far). */
  readonly elapsedS: number;
}

/** Completed requests of a step: every outcome class, `ok` included. */
export function completedOf(step: StepFigures): number {
  let n = 0;
  for (const c of step.outcomes) n += c;
  return n;
}

/** Count of one outcome class of a step. */
export function outcomeCount(step: StepFigures, cls: OutcomeClass): number {
  return step.outcomes[OUTCOME_CLASSES.indexOf(cls)] ?? 0;
}

/** A run directory's whole-run figures, as gates see them (counts from summary.json, histograms from the hlog). */
export function gateFiguresOfRun(run: RunData): GateFigures {
  const steps = run.meta.steps.map((name, i): StepFigures => {
    const s = run.summary.steps[name];
    const outcomes = OUTCOME_CLASSES.map((cls) =>
      s === undefined ? 0 : cls === 'ok' ? s.ok : (s.errors[cls] ?? 0),
    );
    const h = run.histograms[i];
    return { name, outcomes, latency: h?.latency ?? null, service: h?.service ?? null };
  });
  return {
    steps,
    arrivals: run.summary.arrivals,
    dropped: run.summary.dropped,
    elapsedS: run.summary.durationS,
  };
}
