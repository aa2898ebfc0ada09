/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) over two HDR histograms, and the Hodges-Lehmann
 * estimate of the shift between them: the statistics behind `stampede compare`'s verdicts.
 *
 * Ranks are computed per bucket: every value in one bucket is a tie and gets the bucket's
 * average rank, so the cost is linear in the number of buckets, not of requests. The p-value
 * uses the normal approximation with the tie correction and a continuity correction; with the
 * counts of a load test (thousands to millions) the approximation is excellent, and so small a
 * p-value says little about size, which is why a verdict also needs the effect (the shift) to
 * pass a threshold.
 */
import type { Histogram } from 'hdr-histogram-js';
import { type Bucket, bucketsOf, pairBuckets } from './histogram-buckets.js';

/** Result of the test of candidate (b) against base (a). */
export interface MannWhitneyResult {
  readonly nBase: number;
  readonly nCandidate: number;
  /** U of the candidate: pairs (base x, candidate y) with y > x, plus half the ties. */
  readonly u: number;
  /** Standard score of U under "same distribution" (positive: candidate slower). */
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Probability that a candidate request is slower than a base one (ties count half): U / (n1 n2). */
  readonly probabilityCandidateSlower: number;
}

/** erfc with a fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc, Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided Mann-Whitney U test of `candidate` against `base` (histograms of the same range). */
export function mannWhitney(base: Histogram, candidate: Histogram): MannWhitneyResult {
  const pairs = pairBuckets(bucketsOf(base), bucketsOf(candidate));
  const n1 = base.totalCount;
  const n2 = candidate.totalCount;
  const n = n1 + n2;
  let below = 0;
  let rankSum2 = 0;
  let ties = 0;
  for (const { a, b } of pairs) {
    const t = a + b;
    // Every value in the bucket gets the average of the ranks below+1 .. below+t.
    rankSum2 += b * (below + (t + 1) / 2);
    ties += t * t * t - t;
    below += t;
  }
  const u = rankSum2 - (n2 * (n2 + 1)) / 2;
  if (n1 === 0 || n2 === 0)
    return { nBase: n1, nCandidate: n2, u, z: 0, p: 1, probabilityCandidateSlower: 0.5 };
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  const diff = u - mean;
  const z = variance > 0 ? (diff - 0.5 * Math.sign(diff)) / Math.sqrt(variance) : 0;
  return {
    nBase: n1,
    nCandidate: n2,
    u,
    z,
    p: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)),
    probabilityCandidateSlower: u / (n1 * n2),
  };
}

/** Pairs (x from a, y from b) with log y - log x <= d, i.e. y <= x e^d; both ascending. */
function pairsAtMost(a: readonly Bucket[], b: readonly Bucket[], d: number): number {
  const factor = Math.exp(d);
  let total = 0;
  let j = 0;
  let cumB = 0;
  // x ascending => the bound x e^d ascends, so one pointer walks b once.
  for (const x of a) {
    const bound = x.value * factor * (1 + 1e-12);
    while (j < b.length && b[j]!.value <= bound) cumB += b[j++]!.count;
    total += x.count * cumB;
  }
  return total;
}

/**
 * Hodges-Lehmann estimate of the relative shift of candidate over base: the median of
 * y / x - 1 over all pairs (x base, y candidate), found by bisection on log y - log x without
 * listing the pairs. 0.2 means the candidate is typically 20 % slower. Latency shifts are
 * multiplicative (a slower hash costs every request a share), hence the ratio.
 */
export function hodgesLehmannRelativeShift(base: Histogram, candidate: Histogram): number {
  const a = bucketsOf(base);
  const b = bucketsOf(candidate);
  if (a.length === 0 || b.length === 0) return 0;
  const half = (base.totalCount * candidate.totalCount) / 2;
  let lo = Math.log(b[0]!.value / a[a.length - 1]!.value) - 1e-9;
  let hi = Math.log(b[b.length - 1]!.value / a[0]!.value) + 1e-9;
  for (let k = 0; k < 60 && hi - lo > 1e-7; k++) {
    const mid = (lo + hi) / 2;
    if (pairsAtMost(a, b, mid) >= half) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi) - 1;
}
