/**
 * What gates are evaluated over: cumulative figures since the run's t0. The same shape serves the
 * end of a run (built from a run directory by `gateFiguresOfRun`) and the live abort-on-fail
 * check (`GateMonitor`, fed by the driver once per closed interval). The analysis figures (flows,
 * fall-behind, take-downs) and validity are optional: figures built without them have no data
 * for those gates.
 */

import type { Histogram } from 'hdr-histogram-js';
import { OUTCOME_CLASSES, type OutcomeClass } from '../../harness/vocabulary/outcome.js';
import type { MailSummary } from '../run-dir/mail-summary.js';
import type { RunData } from '../run-dir/run-data.js';
import type { Validity } from '../run-dir/summary.js';

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
  /** User wait (first attempt's intended send -> final outcome) since t0, µs; absent: not recorded. */
  readonly userWait?: Histogram | null;
}

/** Cumulative figures of one flow. */
export interface FlowFigures {
  readonly name: string;
  /** The flow's first step, whose arrivals its dropped arrivals were; null if unknown. */
  readonly firstStep: string | null;
  readonly arrivals: number;
  readonly dropped: number;
  /** Sessions that succeeded end to end. */
  readonly succeeded: number;
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
  /** Per flow; absent when the producer recorded no flows (version 1, imports). */
  readonly flows?: readonly FlowFigures[];
  /** Steps that fell behind, with the offered rate of new requests at the onset, /s. */
  readonly fellBehind?: readonly { readonly step: string; readonly offeredRatePerS: number }[];
  /** Planned take-downs with their drain, s (null: not drained, or not yet). */
  readonly takedowns?: readonly { readonly name: string; readonly drainS: number | null }[];
  /** Whether the run's figures can be trusted; absent for live figures. */
  readonly validity?: Validity;
  /** The mail pipeline's figures, when a mail sink ran (summary.json `mail`). */
  readonly mail?: MailSummary;
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
    return {
      name,
      outcomes,
      latency: h?.latency ?? null,
      service: h?.service ?? null,
      // Version 1 recorded no user wait: an empty histogram would read as "no data" anyway.
      userWait: s?.userWaitMs === null ? null : (h?.userWait ?? null),
    };
  });
  const flows = run.summary.flows;
  return {
    steps,
    arrivals: run.summary.arrivals,
    dropped: run.summary.dropped,
    elapsedS: run.summary.durationS,
    ...(flows === null
      ? {}
      : {
          flows: Object.entries(flows).map(([name, f]) => ({
            name,
            firstStep: f.firstStep,
            arrivals: f.arrivals,
            dropped: f.dropped,
            succeeded: f.succeeded,
          })),
        }),
    fellBehind: (run.summary.fellBehind ?? []).map((f) => ({
      step: f.step,
      offeredRatePerS: f.offeredRatePerS,
    })),
    takedowns: run.summary.takedowns.map((t) => ({ name: t.name, drainS: t.drainS })),
    validity: run.summary.validity,
    ...(run.summary.mail ? { mail: run.summary.mail } : {}),
  };
}
