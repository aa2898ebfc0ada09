/**
 * The verdict on one step's latency (ok answers only) or user wait, base against candidate.
 *
 * Requests within a run are not independent: a queue, a GC pause or a noisy neighbour on the
 * load machine makes neighbouring requests alike, so a run of 4,000 requests carries far less
 * information than 4,000 independent draws and the rank test's p-value is far too small. A
 * p-value alone would alarm on nearly every pair of same-build runs. A change therefore needs
 * all of:
 *
 * 1. significance: Mann-Whitney U over the whole-run histograms, p < alpha;
 * 2. size: the Hodges-Lehmann relative shift (or, for the tail, the p99 change) beyond the limit;
 * 3. a minimum absolute shift (`minShiftMs`): a 30 % move of a 1 ms loopback answer is scheduling
 *    noise, not a build's doing;
 * 4. persistence: the median over intervals of the per-interval p50 (or p99) moved beyond the
 *    limit too, so one bad second (a burst on the shared machine) cannot carry the verdict.
 *    The per-interval medians are the unit of independence the raw samples are not.
 *
 * The false-alarm rate of this rule over same-build pairs is measured by
 * bench/compare-false-alarms.ts (docs/gates.md gives the figure).
 */
import type { Histogram } from 'hdr-histogram-js';
import { median } from '../analysis/analysis-options.js';
import { hodgesLehmannRelativeShift, type MannWhitneyResult, mannWhitney } from './mann-whitney.js';

/** The method, as named in every compare output. */
export const COMPARE_METHOD =
  'Mann-Whitney U over HDR buckets (ties by bucket, normal approximation with tie correction), two-sided, ' +
  'p < alpha; AND the Hodges-Lehmann shift (or the p99) beyond the limit; AND an absolute shift beyond ' +
  'the minimum; AND the median of the per-interval p50 (or p99) beyond the limit';

/** Outcome of the comparison of one step. */
export type Verdict = 'improved' | 'regressed' | 'no significant change' | 'no data';

/** Thresholds of a latency verdict. */
export interface VerdictOptions {
  /** Largest tolerated relative slowdown, as a fraction (0.1 for 10 %). */
  readonly maxRegression: number;
  /** Significance level of the rank test. */
  readonly alpha: number;
  /** Smallest absolute shift that can count, ms. */
  readonly minShiftMs: number;
}

/** Per-interval percentiles of one run, ms, one entry per interval that had data. */
export interface IntervalPercentiles {
  readonly p50: readonly number[];
  readonly p99: readonly number[];
}

/** A step's latency verdict with the figures it rests on. */
export interface LatencyVerdict {
  readonly verdict: Verdict;
  readonly test: MannWhitneyResult;
  /** Hodges-Lehmann relative shift of candidate over base (0.2 = 20 % slower). */
  readonly shift: number;
  /** The shift in ms (relative shift times the base median). */
  readonly shiftMs: number;
  /** Whole-run p50 and p99 of both runs, ms (null without data). */
  readonly p50Ms: { readonly base: number | null; readonly candidate: number | null };
  readonly p99Ms: { readonly base: number | null; readonly candidate: number | null };
  /** Relative change of the whole-run p99, candidate over base. */
  readonly p99Change: number;
  /** Relative change of the median of per-interval p50s and of p99s; null without intervals. */
  readonly intervalP50Change: number | null;
  readonly intervalP99Change: number | null;
  /** One line saying why. */
  readonly reason: string;
}

function relative(base: number, candidate: number): number {
  return base > 0 ? candidate / base - 1 : 0;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
}

function intervalChange(base: readonly number[], candidate: readonly number[]): number | null {
  if (base.length === 0 || candidate.length === 0) return null;
  return relative(median(base), median(candidate));
}

const NO_INTERVALS: IntervalPercentiles = { p50: [], p99: [] };

/** Judges candidate against base histograms (µs, same range) and their interval percentiles. */
export function judgeLatency(
  base: Histogram,
  candidate: Histogram,
  opts: VerdictOptions,
  intervals: { readonly base: IntervalPercentiles; readonly candidate: IntervalPercentiles } = {
    base: NO_INTERVALS,
    candidate: NO_INTERVALS,
  },
): LatencyVerdict {
  const test = mannWhitney(base, candidate);
  const ms = (h: Histogram, p: number) => (h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : null);
  const p50Ms = { base: ms(base, 50), candidate: ms(candidate, 50) };
  const p99Ms = { base: ms(base, 99), candidate: ms(candidate, 99) };
  if (base.totalCount === 0 || candidate.totalCount === 0) {
    const which = base.totalCount === 0 ? 'base' : 'candidate';
    return {
      verdict: 'no data',
      test,
      shift: 0,
      shiftMs: 0,
      p50Ms,
      p99Ms,
      p99Change: 0,
      intervalP50Change: null,
      intervalP99Change: null,
      reason: `the ${which} has no answers to judge`,
    };
  }
  const shift = hodgesLehmannRelativeShift(base, candidate);
  const shiftMs = shift * (p50Ms.base ?? 0);
  const p99Change = relative(p99Ms.base ?? 0, p99Ms.candidate ?? 0);
  const p99DeltaMs = (p99Ms.candidate ?? 0) - (p99Ms.base ?? 0);
  const i50 = intervalChange(intervals.base.p50, intervals.candidate.p50);
  const i99 = intervalChange(intervals.base.p99, intervals.candidate.p99);
  const L = opts.maxRegression;
  const min = opts.minShiftMs;
  const significant = test.p < opts.alpha;
  // Without interval data (an import, version 1) persistence cannot be checked: it does not veto.
  const persists = (change: number | null, sign: 1 | -1) => change === null || sign * change > L;
  const moved = (sign: 1 | -1) =>
    (sign * shift > L && sign * shiftMs > min && persists(i50, sign)) ||
    (sign * p99Change > L && sign * p99DeltaMs > min && persists(i99, sign));
  const figures =
    `shift ${pct(shift)} (${shiftMs >= 0 ? '+' : ''}${shiftMs.toFixed(2)}ms), p99 ${pct(p99Change)}` +
    `${i50 === null ? '' : `, interval p50 ${pct(i50)}`}, p=${test.p.toPrecision(2)}`;
  let verdict: Verdict = 'no significant change';
  let reason = significant
    ? `${figures}: significant, but not beyond ${pct(L).slice(1)} and ${min}ms in every test`
    : `${figures}: not significant at alpha ${opts.alpha}`;
  if (significant && moved(1)) {
    verdict = 'regressed';
    reason = `${figures}: slower beyond ${pct(L).slice(1)} and ${min}ms`;
  } else if (significant && moved(-1)) {
    verdict = 'improved';
    reason = `${figures}: faster beyond ${pct(L).slice(1)} and ${min}ms`;
  }
  return {
    verdict,
    test,
    shift,
    shiftMs,
    p50Ms,
    p99Ms,
    p99Change,
    intervalP50Change: i50,
    intervalP99Change: i99,
    reason,
  };
}
