/**
 * Judges one probe's run directory against the SLOs: each SLO is a gate expression, evaluated
 * exactly as `stampede gate` would, plus the step that decided it (the worst step of a `*` SLO),
 * so the answer can say which step limits the capacity. Also each step's requests/s at the
 * probe, so capacity can be stated per step beside arrivals/s.
 */

import type { Gate } from '../../reports/gates/gate.js';
import { evaluateGate } from '../../reports/gates/gate-evaluator.js';
import { gateFiguresOfRun } from '../../reports/gates/gate-figures.js';
import type { RunData } from '../../reports/run-dir/run-data.js';
import type { SloFigure } from './capacity-search.js';

/** Each SLO's figure over a probe's run. */
export function sloFigures(slos: readonly Gate[], run: RunData): SloFigure[] {
  const figures = gateFiguresOfRun(run);
  return slos.map((gate): SloFigure => {
    const r = evaluateGate(gate, figures);
    let step: string | null = gate.statistic.kind === 'dropped' ? null : gate.step;
    if (step === '*') {
      // The evaluator reports the worst step by value; find which one that is.
      step = null;
      for (const s of figures.steps) {
        const one = evaluateGate({ ...gate, step: s.name }, figures);
        if (r.actual === null ? one.actual === null : one.actual === r.actual) {
          step = s.name;
          if (!one.pass || r.pass) break;
        }
      }
    }
    return {
      expr: gate.expr,
      op: gate.op,
      pass: r.pass,
      actual: r.actual,
      threshold: r.threshold,
      unit: r.unit,
      step,
      message: r.message,
    };
  });
}

/**
 * Requests of each step per second at a probe of `ratePerS` arrivals/s: the step's offered
 * requests (retries and mailbox polls included) per arrival of the run, times the rate.
 */
export function stepRatesPerS(run: RunData, ratePerS: number): Record<string, number> {
  const out: Record<string, number> = {};
  const arrivals = run.summary.arrivals;
  for (const name of run.meta.steps) {
    const offered = run.summary.steps[name]?.offered ?? 0;
    // Six significant digits: 111.1/s, not 111.09999999999998/s from the division.
    out[name] = arrivals > 0 ? Number(((ratePerS * offered) / arrivals).toPrecision(6)) : 0;
  }
  return out;
}
