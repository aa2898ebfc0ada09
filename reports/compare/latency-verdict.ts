/**
 * The verdict on one step's latency, base against candidate. A difference counts only when it
 * is both statistically significant (Mann-Whitney U, p < alpha) and large enough to matter (the
 * Hodges-Lehmann shift or the p99 moves by more than `maxRegression`): with millions of samples
 * any shift is "significant", and with few samples a large-looking shift may be noise.
 */
import type { Histogram } from 'hdr-histogram-js';
import { hodgesLehmannRelativeShift, type MannWhitneyResult, mannWhitney } from './mann-whitney.js';

/** The method, as named in every compare output. */
export const COMPARE_METHOD =
  'Mann-Whitney U over HDR buckets (ties by bucket, normal approximation with tie correction), ' +
  'two-sided; a change also needs the Hodges-Lehmann shift or the p99 to move beyond the limit';

/** Outcome of the comparison of one step. */
export type Verdict = 'improved' | 'regressed' | 'no significant change' | 'no data';

/** Thresholds of a verdict. */
export interface VerdictOptions {
  /** Largest tolerated relative slowdown, as a fraction (0.1 for `--max-regression 10%`). */
  readonly maxRegression: number;
  /** Significance level of the rank test. */
  readonly alpha: number;
}

/** The default significance level. */
export const DEFAULT_ALPHA = 0.01;

/** A step's latency verdict with the figures it rests on. */
export interface LatencyVerdict {
  readonly verdict: Verdict;
  readonly test: MannWhitneyResult;
  /** Hodges-Lehmann relative shift of candidate over base (0.2 = 20 % slower). */
  readonly shift: number;
  /** Relative change of p50 and p99, candidate over base. */
  readonly p50Change: number;
  readonly p99Change: number;
  /** One line saying why. */
  readonly reason: string;
}

function relative(base: number, candidate: number): number {
  return base > 0 ? candidate / base - 1 : 0;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
}

/** Judges candidate against base latency histograms (µs, same range). */
export function judgeLatency(base: Histogram, candidate: Histogram, opts: VerdictOptions): LatencyVerdict {
  const test = mannWhitney(base, candidate);
  if (base.totalCount === 0 || candidate.totalCount === 0) {
    const which = base.totalCount === 0 ? 'base' : 'candidate';
    return {
      verdict: 'no data',
      test,
      shift: 0,
      p50Change: 0,
      p99Change: 0,
      reason: `the ${which} has no requests`,
    };
  }
  const shift = hodgesLehmannRelativeShift(base, candidate);
  const p50Change = relative(base.getValueAtPercentile(50), candidate.getValueAtPercentile(50));
  const p99Change = relative(base.getValueAtPercentile(99), candidate.getValueAtPercentile(99));
  const significant = test.p < opts.alpha;
  const limit = opts.maxRegression;
  const figures = `shift ${pct(shift)}, p99 ${pct(p99Change)}, p=${test.p.toPrecision(2)}`;
  let verdict: Verdict = 'no significant change';
  let reason = significant
    ? `${figures}: significant but within ${pct(limit).slice(1)}`
    : `${figures}: not significant at alpha ${opts.alpha}`;
  if (significant && (shift > limit || p99Change > limit)) {
    verdict = 'regressed';
    reason = `${figures}: slower beyond ${pct(limit).slice(1)}`;
  } else if (significant && (shift < -limit || p99Change < -limit)) {
    verdict = 'improved';
    reason = `${figures}: faster beyond ${pct(limit).slice(1)}`;
  }
  return { verdict, test, shift, p50Change, p99Change, reason };
}
