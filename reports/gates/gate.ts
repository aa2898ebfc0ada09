/**
 * A parsed gate: one CI threshold over a run's figures, e.g. `reset-confirm p99 < 250ms`.
 * The grammar and the parser live in `gate-parser.ts`, the meaning in `gate-evaluator.ts`;
 * this file only holds the shapes both agree on and the unit tables.
 */

import type { OutcomeClass } from '../../harness/vocabulary/outcome.js';
import type { MailGate } from './mail-gate.js';

/** Comparison operators, in the order the lexer tries them (two-character ones first). */
export const GATE_OPS = ['<=', '>=', '==', '!=', '<', '>'] as const;

/** A comparison operator of a gate. */
export type GateOp = (typeof GATE_OPS)[number];

/**
 * Which histogram a latency statistic reads: latency from the intended send time, the service
 * time (`service.`), or the user wait from a step's first attempt to its final outcome (`user-wait.`).
 */
export type LatencySource = 'latency' | 'service' | 'user-wait';

/** The statistic a gate measures, one case per family of the grammar. */
export type GateStatistic =
  /** A percentile in (0, 100] of a step's latency, service time or user wait. */
  | { readonly kind: 'percentile'; readonly source: LatencySource; readonly p: number }
  | { readonly kind: 'max' | 'mean' | 'min'; readonly source: LatencySource }
  /** Share of completed requests whose outcome is not `ok`. */
  | { readonly kind: 'error-rate' }
  /** Share of completed requests in one outcome class. */
  | { readonly kind: 'rate'; readonly outcome: OutcomeClass }
  /** Number of completed requests in one outcome class. */
  | { readonly kind: 'count'; readonly outcome: OutcomeClass }
  /** Completed `ok` requests per second of the run. */
  | { readonly kind: 'rps' }
  /**
   * Arrivals turned away by the in-flight cap: a count, or a share of arrivals with `%`; of the
   * run (`*`), of one flow, or of the flows that start with one step.
   */
  | { readonly kind: 'dropped' }
  /** Sessions of a flow that succeeded end to end, per second of the run. */
  | { readonly kind: 'goodput' }
  /** Offered rate of new requests at which a step fell behind (above every rate if it never did). */
  | { readonly kind: 'onset' }
  /** Seconds after a take-down's end until backlog and latency were back to baseline. */
  | { readonly kind: 'drain' }
  /** A mail-pipeline figure (`mail time-to-inbox p99 < 10m`, `mail lost == 0`): mail-gate.ts. */
  | { readonly kind: 'mail'; readonly gate: MailGate };

/** Units a gate's value may carry; `''` is a plain count. */
export type GateUnit = 'ms' | 's' | 'us' | 'm' | 'h' | '%' | '/s' | '';

/** The units each family accepts (the first is the one named in messages as the default). */
export const LATENCY_UNITS: readonly GateUnit[] = ['ms', 's', 'us'];

/** Microseconds per latency unit: histograms record µs. */
export const MICROS_PER_UNIT: Readonly<Record<'ms' | 's' | 'us', number>> = {
  ms: 1_000,
  s: 1_000_000,
  us: 1,
};

/** Seconds per duration unit (take-down drain). */
export const SECONDS_PER_UNIT: Readonly<Record<'ms' | 's' | 'm' | 'h', number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
};

/** Every unit the lexer knows, longest first so `ms` is not read as `m` + `s`. */
export const KNOWN_UNITS: readonly GateUnit[] = ['ms', 'us', '/s', 's', 'm', 'h', '%'];

/** The selector `takedown`: every take-down of the run, as `*` is every step. */
export const EVERY_TAKEDOWN = 'takedown';

/** One gate, parsed and ready to evaluate. */
export interface Gate {
  /** The expression as written (trimmed), which is the gate's name in every report. */
  readonly expr: string;
  /** Where it came from: `--gate`, `profiles/x.yaml gates[2]`. */
  readonly source: string;
  /** The step it applies to, or `'*'` for every step of the run. */
  readonly step: string;
  readonly statistic: GateStatistic;
  readonly op: GateOp;
  /** The threshold in the gate's own unit (250 for `250ms`, 1 for `1%`). */
  readonly threshold: number;
  readonly unit: GateUnit;
  /** Stop the run once this gate has failed for longer than `abortAfterS`. */
  readonly abortOnFail: boolean;
  /** Grace period of `abort-on-fail after <duration>`, seconds (0 = at the first failing check). */
  readonly abortAfterS: number;
}

/** Whether a statistic is measured per step (`*` = every step); else per flow, take-down or run. */
export function selectsSteps(s: GateStatistic): boolean {
  return s.kind !== 'dropped' && s.kind !== 'goodput' && s.kind !== 'drain' && s.kind !== 'mail';
}

/** The prefix of a latency statistic as written: none, `service.` or `user-wait.`. */
export function sourcePrefix(source: LatencySource): string {
  return source === 'latency' ? '' : `${source}.`;
}

/** The statistic's name as written in the grammar, for messages and tables. */
export function statisticName(s: GateStatistic): string {
  switch (s.kind) {
    case 'percentile':
      return `${sourcePrefix(s.source)}p${s.p}`;
    case 'max':
    case 'mean':
    case 'min':
      return `${sourcePrefix(s.source)}${s.kind}`;
    case 'rate':
      return `rate(${s.outcome})`;
    case 'count':
      return `count(${s.outcome})`;
    default:
      return s.kind;
  }
}

/** True when `actual op threshold` holds. */
export function compare(actual: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
    case '==':
      return actual === threshold;
    case '!=':
      return actual !== threshold;
  }
}
