/**
 * What a gate means: measures its statistic on cumulative figures and compares it with the
 * threshold. A subject without data fails its gate ("no data"): an SRE must not pass a gate on
 * nothing. A `*` gate holds only when every step (flow, take-down) satisfies it; its result
 * shows the worst one. A step that never fell behind has its onset above every rate (`never`).
 */

import type { RunData } from '../run-dir/run-data.js';
import type { GateResult } from '../run-dir/summary.js';
import {
  compare,
  EVERY_TAKEDOWN,
  type Gate,
  type GateOp,
  type LatencySource,
  MICROS_PER_UNIT,
  SECONDS_PER_UNIT,
  statisticName,
} from './gate.js';
import {
  completedOf,
  type GateFigures,
  gateFiguresOfRun,
  outcomeCount,
  type StepFigures,
} from './gate-figures.js';
import { evaluateMailGate } from './mail-gate.js';

/** A measurement of one subject, or why there is none. */
type Measured = { readonly value: number } | { readonly noData: string };

/** What one gate measures: a step, a flow, a take-down or the run. */
interface Subject {
  readonly name: string;
  readonly measure: () => Measured;
}

function measureLatency(gate: Gate, step: StepFigures, source: LatencySource): Measured {
  const s = gate.statistic;
  const h =
    source === 'service' ? step.service : source === 'user-wait' ? (step.userWait ?? null) : step.latency;
  if (!h || h.totalCount === 0) return { noData: `step ${step.name} recorded no ${source} time` };
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

function measureStep(gate: Gate, step: StepFigures, run: GateFigures): Measured {
  const s = gate.statistic;
  if (s.kind === 'percentile' || s.kind === 'max' || s.kind === 'mean' || s.kind === 'min')
    return measureLatency(gate, step, s.source);
  if (s.kind === 'onset') {
    if (run.fellBehind === undefined) return { noData: 'the figures hold no fall-behind analysis' };
    // A step that never fell behind did so above every rate it was offered.
    return {
      value: run.fellBehind.find((f) => f.step === step.name)?.offeredRatePerS ?? Number.POSITIVE_INFINITY,
    };
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
    default:
      return { noData: `${statisticName(s)} is not a step figure` };
  }
}

function droppedOf(gate: Gate, arrivals: number, dropped: number, what: string): Measured {
  if (arrivals === 0) return { noData: `${what} had no arrivals` };
  return { value: gate.unit === '%' ? (100 * dropped) / arrivals : dropped };
}

/** The subjects a gate selects, or why there are none. */
function subjectsOf(gate: Gate, run: GateFigures): readonly Subject[] | string {
  const every = gate.step === '*';
  const kind = gate.statistic.kind;
  if (kind === 'dropped') {
    if (every) return [{ name: '*', measure: () => droppedOf(gate, run.arrivals, run.dropped, 'the run') }];
    if (!run.flows) return 'the run recorded no flows';
    const flow = run.flows.find((f) => f.name === gate.step);
    const flows = flow ? [flow] : run.flows.filter((f) => f.firstStep === gate.step);
    if (flows.length === 0) return `no flow is named or starts with ${gate.step}`;
    const what = flow ? `flow ${gate.step}` : `the flows starting with ${gate.step}`;
    const sum = (k: 'arrivals' | 'dropped') => flows.reduce((n, f) => n + f[k], 0);
    return [{ name: gate.step, measure: () => droppedOf(gate, sum('arrivals'), sum('dropped'), what) }];
  }
  if (kind === 'goodput') {
    if (!run.flows) return 'the run recorded no flows';
    const flows = every ? run.flows : run.flows.filter((f) => f.name === gate.step);
    if (flows.length === 0) return every ? 'the run has no flows' : `flow ${gate.step} is not in the run`;
    return flows.map((f) => ({
      name: f.name,
      measure: (): Measured =>
        run.elapsedS > 0 ? { value: f.succeeded / run.elapsedS } : { noData: 'the run covers no time' },
    }));
  }
  if (kind === 'drain') {
    const all = run.takedowns ?? [];
    const chosen = every || gate.step === EVERY_TAKEDOWN ? all : all.filter((t) => t.name === gate.step);
    if (chosen.length === 0)
      return all.length === 0 ? 'the run had no take-downs' : `no take-down ${gate.step}`;
    return chosen.map((t) => ({
      name: t.name,
      measure: (): Measured =>
        t.drainS === null
          ? { noData: `take-down ${t.name} did not drain` }
          : { value: t.drainS / SECONDS_PER_UNIT[gate.unit as 'ms' | 's' | 'm' | 'h'] },
    }));
  }
  const steps = every ? run.steps : run.steps.filter((s) => s.name === gate.step);
  if (steps.length === 0) return every ? 'the run has no steps' : `step ${gate.step} is not in the run`;
  return steps.map((step) => ({ name: step.name, measure: () => measureStep(gate, step, run) }));
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

/** A result's measured value as shown: the value, `never` (no onset) or `no data`. */
export function formatMeasured(r: GateResult): string {
  if (r.actual !== null) return formatGateValue(r.actual, r.unit);
  return r.pass ? 'never' : 'no data';
}

/** Evaluates one gate over the figures (validity aside: see `evaluateGates`). */
export function evaluateGate(gate: Gate, run: GateFigures): GateResult {
  if (gate.statistic.kind === 'mail') return evaluateMailGate(gate.statistic.gate, run.mail);
  const base = { expr: gate.expr, threshold: gate.threshold, unit: gate.unit };
  const stat = statisticName(gate.statistic);
  const selected = subjectsOf(gate, run);
  if (typeof selected === 'string')
    return { ...base, pass: false, actual: null, message: `no data: ${selected}` };
  const noData: string[] = [];
  let worst: { name: string; value: number } | null = null;
  for (const subject of selected) {
    const m = subject.measure();
    if ('noData' in m) {
      noData.push(m.noData);
      continue;
    }
    if (!worst || badness(m.value, gate.op, gate.threshold) > badness(worst.value, gate.op, gate.threshold)) {
      worst = { name: subject.name, value: m.value };
    }
  }
  if (noData.length > 0)
    return { ...base, pass: false, actual: null, message: `no data: ${noData.join('; ')}` };
  const w = worst!;
  const pass = compare(w.value, gate.op, gate.threshold);
  const noun =
    gate.statistic.kind === 'goodput' ? 'flow' : gate.statistic.kind === 'drain' ? 'take-down' : 'step';
  const who =
    gate.statistic.kind === 'dropped'
      ? gate.step === '*'
        ? ''
        : ` of ${w.name}`
      : gate.step === '*' || gate.step === EVERY_TAKEDOWN
        ? ` (worst ${noun} ${w.name})`
        : ` of ${w.name}`;
  const finite = Number.isFinite(w.value);
  const measured = finite ? formatGateValue(w.value, gate.unit) : 'never (did not fall behind)';
  const limit = formatGateValue(gate.threshold, gate.unit);
  const message = pass
    ? `${stat}${who} ${measured} ${gate.op} ${limit}`
    : `${stat}${who} ${measured}, not ${gate.op} ${limit}`;
  return { ...base, pass, actual: finite ? w.value : null, message };
}

/** How `evaluateGates` treats a run whose validity failed. */
export interface GateEvaluationOptions {
  /** Judge an invalid run's gates on their figures instead of failing them all. */
  readonly allowInvalid?: boolean;
}

/**
 * Evaluates every gate, in order, over a run directory's content (`readRunDir`) or over
 * cumulative figures built by the caller. An invalid run (summary.validity) fails every gate,
 * with its problems named, unless `allowInvalid`; the figures are measured either way.
 */
export function evaluateGates(
  gates: readonly Gate[],
  run: RunData | GateFigures,
  opts: GateEvaluationOptions = {},
): GateResult[] {
  const figures = 'meta' in run ? gateFiguresOfRun(run) : run;
  const results = gates.map((g) => evaluateGate(g, figures));
  const v = figures.validity;
  if (v === undefined || v.valid) return results;
  const why = v.problems.map((p) => p.kind).join(', ') || 'invalid';
  if (opts.allowInvalid)
    return results.map((r) => ({ ...r, message: `${r.message} (run invalid: ${why}; allowed)` }));
  return results.map((r) => ({
    ...r,
    pass: false,
    message: `run invalid (${why}): ${r.message}; --allow-invalid judges it anyway`,
  }));
}
