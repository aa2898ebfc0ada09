/**
 * The capacity search, pure and clock-free: given the probes done so far it names the next rate
 * to probe or the answer. Exponential growth from `minPerS` until a probe fails an SLO, then
 * bisection of [highest pass, lowest failure] until the bracket is within `precision` of its
 * lower end, never above `maxPerS`. A probe counts only if it is valid: an invalid probe (the
 * generator did not keep its schedule) ends the search as generator-bound, since nothing above
 * that rate can be certified from this machine.
 *
 * It assumes the target's verdict is monotone in the rate (passes below some rate, fails above);
 * probes are only ever placed inside the open bracket, so the bracket stays ordered even when a
 * noisy probe breaks that assumption.
 */
import type { GateOp } from '../../reports/gates/gate.js';

/** One SLO's figure at one probe. */
export interface SloFigure {
  /** The SLO as written (a gate expression). */
  readonly expr: string;
  readonly pass: boolean;
  /** The measured value in the SLO's unit; null when the probe had no data for it (a failure). */
  readonly actual: number | null;
  readonly op: GateOp;
  readonly threshold: number;
  readonly unit: string;
  /** The step that decided it (the worst step of a `*` SLO); null for run-wide figures. */
  readonly step: string | null;
  readonly message: string;
}

/** What one probe told the search. */
export interface ProbeOutcome {
  /** Arrivals per second of the profile's mix. */
  readonly ratePerS: number;
  /** Whether the run is valid (the generator kept its schedule, nothing dropped). */
  readonly valid: boolean;
  /** Why it is invalid (empty when valid). */
  readonly problems: readonly string[];
  /** Every SLO's figure, in the order given. */
  readonly slos: readonly SloFigure[];
}

/** Bounds of the search. */
export interface SearchBounds {
  /** First rate probed, arrivals/s. */
  readonly minPerS: number;
  /** No probe above this rate. */
  readonly maxPerS: number;
  /** Stop when (hi - lo) / lo <= precision (0.05 = 5 %). */
  readonly precision: number;
}

/** Factor of the growth phase: each passing probe is followed by one at twice its rate. */
export const GROWTH_FACTOR = 2;

/** How the search ended. */
export type SearchVerdict =
  /** A bracket [lo, hi] within the precision: lo met every SLO, hi failed one. */
  | 'found'
  /** Every rate probed up to --max met the SLOs: capacity is at least --max. */
  | 'max-reached'
  /** Even --min failed an SLO. */
  | 'none-met'
  /** A probe was invalid: the generator, not the target, was the limit. */
  | 'generator-bound';

/** The answer. */
export interface SearchResult {
  readonly verdict: SearchVerdict;
  /** Highest valid probed rate meeting every SLO; null when none did. */
  readonly capacityPerS: number | null;
  /** [highest pass or null, lowest failure (or invalid probe) or null]. */
  readonly bracket: readonly [number | null, number | null];
  /** The SLO that failed at the bracket's upper end (the worst one when several did). */
  readonly limiting: SloFigure | null;
  /** The rate of the invalid probe that ended a generator-bound search, with its problems. */
  readonly invalidAt: { readonly ratePerS: number; readonly problems: readonly string[] } | null;
}

/** What to do next. */
export type SearchStep =
  | { readonly kind: 'probe'; readonly ratePerS: number; readonly phase: 'growth' | 'bisect' }
  | { readonly kind: 'done'; readonly result: SearchResult };

/** Whether a probe met every SLO (only meaningful for valid probes). */
export function probePassed(p: ProbeOutcome): boolean {
  return p.slos.every((s) => s.pass);
}

/**
 * Rates are rounded to 4 significant digits: probes at 113.3/s rather than 113.28125/s, and a
 * midpoint that rounds onto an end of the bracket ends the search (the bracket cannot shrink).
 */
export function roundRate(r: number): number {
  return Number(r.toPrecision(4));
}

/** The current bracket: highest valid pass and lowest valid failure. */
export function bracketOf(history: readonly ProbeOutcome[]): { lo: number | null; hi: number | null } {
  let lo: number | null = null;
  let hi: number | null = null;
  for (const p of history) {
    if (!p.valid) continue;
    if (probePassed(p)) lo = lo === null ? p.ratePerS : Math.max(lo, p.ratePerS);
    else hi = hi === null ? p.ratePerS : Math.min(hi, p.ratePerS);
  }
  return { lo, hi };
}

/**
 * How far an SLO figure is past its threshold, as a ratio (larger is worse); no data is the
 * worst of all, since nothing can be said in its favour.
 */
function exceedance(s: SloFigure): number {
  if (s.actual === null) return Number.POSITIVE_INFINITY;
  if (s.op === '==' || s.op === '!=')
    return Math.abs(s.actual - s.threshold) / Math.max(1e-9, Math.abs(s.threshold));
  if (s.op === '<' || s.op === '<=')
    return s.threshold === 0 ? Number.POSITIVE_INFINITY : s.actual / s.threshold;
  return s.actual === 0 ? Number.POSITIVE_INFINITY : s.threshold / s.actual;
}

/** The failing SLO of a probe that is furthest past its threshold. */
export function limitingSlo(p: ProbeOutcome): SloFigure | null {
  let worst: SloFigure | null = null;
  for (const s of p.slos) {
    if (s.pass) continue;
    if (worst === null || exceedance(s) > exceedance(worst)) worst = s;
  }
  return worst;
}

function done(result: SearchResult): SearchStep {
  return { kind: 'done', result };
}

/** The next step of the search after `history` (the probes so far, in the order they ran). */
export function nextStep(history: readonly ProbeOutcome[], bounds: SearchBounds): SearchStep {
  const { lo, hi } = bracketOf(history);
  const invalid = history.find((p) => !p.valid);
  if (invalid) {
    return done({
      verdict: 'generator-bound',
      capacityPerS: lo,
      bracket: [lo, invalid.ratePerS],
      limiting: null,
      invalidAt: { ratePerS: invalid.ratePerS, problems: invalid.problems },
    });
  }
  if (history.length === 0) return { kind: 'probe', ratePerS: roundRate(bounds.minPerS), phase: 'growth' };
  if (hi === null) {
    const top = lo ?? bounds.minPerS;
    if (top >= bounds.maxPerS) {
      return done({
        verdict: 'max-reached',
        capacityPerS: lo,
        bracket: [lo, null],
        limiting: null,
        invalidAt: null,
      });
    }
    return {
      kind: 'probe',
      ratePerS: roundRate(Math.min(bounds.maxPerS, top * GROWTH_FACTOR)),
      phase: 'growth',
    };
  }
  const failed = history.find((p) => p.valid && p.ratePerS === hi);
  const limiting = failed ? limitingSlo(failed) : null;
  if (lo === null) {
    return done({ verdict: 'none-met', capacityPerS: null, bracket: [null, hi], limiting, invalidAt: null });
  }
  const mid = roundRate((lo + hi) / 2);
  if ((hi - lo) / lo <= bounds.precision || mid <= lo || mid >= hi) {
    return done({ verdict: 'found', capacityPerS: lo, bracket: [lo, hi], limiting, invalidAt: null });
  }
  return { kind: 'probe', ratePerS: mid, phase: 'bisect' };
}

/** Bisections needed to bring [lo, hi] within `precision` when every probe fails (the slowest case). */
function bisections(lo: number, hi: number, precision: number): number {
  let n = 0;
  let width = hi - lo;
  while (width / lo > precision && n < 64) {
    width /= 2;
    n++;
  }
  return n;
}

/**
 * Probes still to run, for the ETA. Once a failure bounds the search it is an upper bound (every
 * further probe assumed to fail, so lo never rises); during growth it is a lower bound (the next
 * probe, assumed to fail, and the bisection it would start): `atLeast` says which.
 */
export function remainingProbes(
  history: readonly ProbeOutcome[],
  bounds: SearchBounds,
): { readonly probes: number; readonly atLeast: boolean } {
  const next = nextStep(history, bounds);
  if (next.kind === 'done') return { probes: 0, atLeast: false };
  const { lo, hi } = bracketOf(history);
  if (lo !== null && hi !== null) return { probes: bisections(lo, hi, bounds.precision), atLeast: false };
  if (lo === null) return { probes: 1, atLeast: true };
  return { probes: 1 + bisections(lo, next.ratePerS, bounds.precision), atLeast: true };
}
