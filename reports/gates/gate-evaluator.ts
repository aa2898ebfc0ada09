/**
 * What a gate means: measures its statistic on cumulative figures and compares it with the
 * threshold. A step without data fails its gate ("no data"): an SRE must not pass a gate on
 * nothing. A `*` gate holds only when every step of the run satisfies it; its result shows the
 * worst step.
 */

import type { RunData } from '../run-dir/run-data.js';
import type { GateResult } from '../run-dir/summary.js';
import { compare, type Gate, type GateOp, MICROS_PER_UNIT, statisticName } from './gate.js';
import {
  completedOf,
  type GateFigures,
  gateFiguresOfRun,
  outcomeCount,
  type StepFigures,
} from './gate-figures.js';

/** A measurement of one step, or why there is none. */
type Measured = { readonly value: number } | { readonly noData: string };

function measure(gate: Gate, step: StepFigures, run: GateFigures): Measured {
  const s = gate.statistic;
  switch (s.kind) {
    case 'percentile':
    case 'max':
    case 'mean':
    case 'min': {
      const h = s.source === 'service' ? step.service : step.latency;
      if (!h || h.totalCount === 0) return { noData: `step ${step.name} recorded no ${s.source} time` };
      const us =
        s.kind === 'percentile'
          ? h.getValueAtPercentile(s.p)
          : s.kind === 'max'
            ? h.maxValue
            : s.kind === 'min'
              ? h.minNonZeroValue
              : h.mean;
      return { value: us / MICROS_PER_UNIT[gate.unit as 'ms' | 's' | 'us'] };
    }
    case 'dropped':
      if (run.arrivals === 0) return { noData: 'the run had no arrivals' };
      return { value: gate.unit === '%' ? (100 * run.dropped) / run.arrivals : run.dropped };
    default:
      break;
  }
  const completed = completedOf(step);
  if (completed === 0) return { noData: `step ${step.name} completed no requests` };
  switch (s.kind) {
    case 'error-rate':
      return { value: (100 * (completed - outcomeCount(step, 'ok'))) / completed };
    case 'rate':
      return { value: (100 * outcomeCount(step, s.outcome)) / completed };
    case 'count':
      return { value: outcomeCount(step, s.outcome) };
    case 'rps':
      if (!(run.elapsedS > 0)) return { noData: 'the run covers no time' };
      return { value: outcomeCount(step, 'ok') / run.elapsedS };
  }
}

/** How bad a value is for an operator: larger is worse, so the worst step can be picked. */
function badness(value: number, op: GateOp, threshold: number): number {
  switch (op) {
    case '<':
    case '<=':
      return value;
    case '>':
    case '>=':
      return -value;
    case '==':
      return Math.abs(value - threshold);
    case '!=':
      return -Math.abs(value - threshold);
  }
}

/** A value in the gate's unit for messages and tables: `182.3ms`, `0.42%`, `350/s`, `12`. */
export function formatGateValue(value: number, unit: string): string {
  const shown = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return `${shown}${unit}`;
}

/** Evaluates one gate over the figures. */
export function evaluateGate(gate: Gate, run: GateFigures): GateResult {
  const base = { expr: gate.expr, threshold: gate.threshold, unit: gate.unit };
  const stat = statisticName(gate.statistic);
  const selected =
    gate.statistic.kind === 'dropped'
      ? // Run-wide: one measurement, whatever the steps.
        [{ name: '*', outcomes: [], latency: null, service: null } satisfies StepFigures]
      : gate.step === '*'
        ? run.steps
        : run.steps.filter((s) => s.name === gate.step);
  if (selected.length === 0) {
    const what = gate.step === '*' ? 'the run has no steps' : `step ${gate.step} is not in the run`;
    return { ...base, pass: false, actual: null, message: `no data: ${what}` };
  }
  const noData: string[] = [];
  let worst: { step: string; value: number } | null = null;
  for (const step of selected) {
    const m = measure(gate, step, run);
    if ('noData' in m) {
      noData.push(m.noData);
      continue;
    }
    if (!worst || badness(m.value, gate.op, gate.threshold) > badness(worst.value, gate.op, gate.threshold)) {
      worst = { step: step.name, value: m.value };
    }
  }
  if (noData.length > 0)
    return { ...base, pass: false, actual: null, message: `no data: ${noData.join('; ')}` };
  const w = worst!;
  const pass = compare(w.value, gate.op, gate.threshold);
  const who =
    gate.statistic.kind === 'dropped' ? '' : gate.step === '*' ? ` (worst step ${w.step})` : ` of ${w.step}`;
  const measured = formatGateValue(w.value, gate.unit);
  const limit = formatGateValue(gate.threshold, gate.unit);
  const message = pass
    ? `${stat}${who} ${measured} ${gate.op} ${limit}`
    : `${stat}${who} ${measured}, not ${gate.op} ${limit}`;
  return { ...base, pass, actual: w.value, message };
}

/**
 * Evaluates every gate, in order, over a run directory's content (`readRunDir`) or over
 * cumulative figures built by the caller.
 */
export function evaluateGates(gates: readonly Gate[], run: RunData | GateFigures): GateResult[] {
  const figures = 'meta' in run ? gateFiguresOfRun(run) : run;
  return gates.map((g) => evaluateGate(g, figures));
}
