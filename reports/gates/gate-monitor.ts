/**
 * abort-on-fail, live: the driver feeds the monitor once per closed interval with the run's
 * cumulative figures so far, and the monitor says when a gate marked `abort-on-fail` has been
 * failing for longer than its grace period (`after <duration>`), as k6's `abortOnFail` with
 * `delayAbortEval` does.
 *
 * Feed contract (`observe`): called on the driver's main thread after each interval is closed and
 * merged, in increasing `atS`; `figures` are cumulative since t0 (counts per outcome class and a
 * latency/service histogram per step, every step of the run listed), never per interval. The
 * monitor only reads the histograms; the caller keeps ownership. Not called concurrently.
 *
 * A step that has no data yet is not failing: early in a run, reset-confirm has seen nothing
 * because no user got that far, and that must not abort the run. (At the end of the run "no
 * data" does fail the gate, in `evaluateGate`.)
 */
import type { GateResult } from '../run-dir/summary.js';
import { type Gate, selectsSteps } from './gate.js';
import { evaluateGate } from './gate-evaluator.js';
import type { GateFigures } from './gate-figures.js';

/** An abort-on-fail gate that failed for longer than its grace period. */
export interface GateBreach {
  readonly gate: Gate;
  /** The failing evaluation at `atS`. */
  readonly result: GateResult;
  /** Seconds from t0 of the first observation of the uninterrupted failure. */
  readonly failingSinceS: number;
  /** Seconds from t0 of the observation that tripped the abort. */
  readonly atS: number;
  /** One line for `RunEnd.abortReason`. */
  readonly reason: string;
}

interface Watched {
  readonly gate: Gate;
  failingSinceS: number | null;
}

/** Failing evaluations of a gate over the steps that have data (none: not failing). */
function failingResult(gate: Gate, figures: GateFigures): GateResult | null {
  const perStep =
    gate.step === '*' && selectsSteps(gate.statistic)
      ? figures.steps.map((s) => evaluateGate({ ...gate, step: s.name }, figures))
      : [evaluateGate(gate, figures)];
  const failing = perStep.filter((r) => !r.pass && r.actual !== null);
  if (failing.length === 0) return null;
  // For `*`, report the whole-gate view over the steps with data (worst step first).
  if (gate.step === '*' && selectsSteps(gate.statistic)) {
    const withData = figures.steps.filter((_, i) => perStep[i]?.actual !== null);
    return evaluateGate(gate, { ...figures, steps: withData });
  }
  return failing[0]!;
}

/** Watches the gates marked abort-on-fail while a run is going. */
export class GateMonitor {
  readonly #watched: Watched[];
  #breach: GateBreach | null = null;

  /** Keeps the gates marked `abort-on-fail`; the others are only evaluated at the end. */
  constructor(gates: readonly Gate[]) {
    this.#watched = gates.filter((g) => g.abortOnFail).map((gate) => ({ gate, failingSinceS: null }));
  }

  /** True when at least one gate is marked abort-on-fail (otherwise the driver need not feed it). */
  get active(): boolean {
    return this.#watched.length > 0;
  }

  /**
   * Feeds the figures as of `atS` seconds from t0 (the end of the closed interval). Returns the
   * breach that should stop the run, or null. Once a breach is returned, every later call returns
   * the same breach.
   */
  observe(figures: GateFigures, atS: number): GateBreach | null {
    if (this.#breach) return this.#breach;
    for (const w of this.#watched) {
      const failing = failingResult(w.gate, figures);
      if (!failing) {
        w.failingSinceS = null;
        continue;
      }
      w.failingSinceS ??= atS;
      if (atS - w.failingSinceS >= w.gate.abortAfterS) {
        const since = w.failingSinceS;
        this.#breach = {
          gate: w.gate,
          result: failing,
          failingSinceS: since,
          atS,
          reason: `abort-on-fail: gate "${w.gate.expr}" failing since ${since}s (${failing.message})`,
        };
        return this.#breach;
      }
    }
    return null;
  }
}
