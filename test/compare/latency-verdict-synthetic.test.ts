import type { Histogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { judgeLatency } from '../../reports/compare/latency-verdict.js';
import { erfc, hodgesLehmannRelativeShift, mannWhitney } from '../../reports/compare/mann-whitney.js';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';

/** mulberry32: a small seeded PRNG, so every sample set is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` log-normal latencies around 20 ms (µs), scaled by `scale`, recorded into a histogram. */
function latencies(seed: number, n: number, scale = 1): Histogram {
  const next = rng(seed);
  const h = aggregateHistogram();
  for (let i = 0; i < n; i++) {
    const u1 = next() || 1e-12;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * next());
    h.recordValue(Math.round(scale * 20_000 * Math.exp(0.5 * z)));
  }
  return h;
}

const opts = { maxRegression: 0.1, alpha: 0.01, minShiftMs: 2 };

describe('Mann-Whitney U over histograms', () => {
  it('erfc matches known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 6);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 9);
  });

  it('matches a hand-computed U with ties', () => {
    // base 1,2,2,3 and candidate 2,3,3,4 (ms): ranks 1 | 3,3,3 | 6,6,6 | 8 => R2 = 3+6+6+8 = 23, U2 = 23 - 10 = 13.
    const a = aggregateHistogram();
    const b = aggregateHistogram();
    for (const v of [1, 2, 2, 3]) a.recordValue(v * 1000);
    for (const v of [2, 3, 3, 4]) b.recordValue(v * 1000);
    const r = mannWhitney(a, b);
    expect(r.u).toBe(13);
    expect(r.probabilityCandidateSlower).toBeCloseTo(13 / 16, 9);
    // Tie-corrected variance: 16/12 * (9 - (24+24)/(8*7)) = 16/12 * 8.142857; z = (13-8-0.5)/sqrt(var).
    expect(r.z).toBeCloseTo(4.5 / Math.sqrt((16 / 12) * (9 - 48 / 56)), 9);
  });

  it('estimates a multiplicative shift with Hodges-Lehmann', () => {
    expect(hodgesLehmannRelativeShift(latencies(1, 5000), latencies(2, 5000, 1.3))).toBeCloseTo(0.3, 1);
    expect(Math.abs(hodgesLehmannRelativeShift(latencies(3, 5000), latencies(4, 5000)))).toBeLessThan(0.05);
  });
});

describe('judgeLatency', () => {
  it('finds no significant change between samples of one distribution (false positives <= alpha x trials)', () => {
    let changes = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const v = judgeLatency(latencies(seed, 3000), latencies(1000 + seed, 3000), opts);
      if (v.verdict !== 'no significant change') changes++;
    }
    // 20 trials at alpha 0.01: 0.2 expected; one is tolerated.
    expect(changes).toBeLessThanOrEqual(1);
  });

  it('calls a 20 % slowdown regressed and a 20 % speed-up improved', () => {
    for (const seed of [1, 2, 3]) {
      const slower = judgeLatency(latencies(seed, 3000), latencies(100 + seed, 3000, 1.2), opts);
      expect(slower.verdict).toBe('regressed');
      expect(slower.shift).toBeGreaterThan(0.1);
      const faster = judgeLatency(latencies(seed, 3000), latencies(200 + seed, 3000, 0.8), opts);
      expect(faster.verdict).toBe('improved');
    }
  });

  it('does not call a significant but small shift a regression', () => {
    const v = judgeLatency(latencies(7, 50_000), latencies(8, 50_000, 1.03), opts);
    expect(v.test.p).toBeLessThan(0.01);
    expect(v.verdict).toBe('no significant change');
    expect(v.reason).toContain('significant, but not beyond 10.0% and 2ms');
  });

  it('does not call a 50 % slowdown of a 1 ms answer a regression: below the 2 ms minimum shift', () => {
    // 20 ms log-normal scaled by 0.05 -> median 1 ms; x1.5 -> a shift of 0.5 ms (< 2 ms) at p99
    // 1 ms * e^(0.5 * 2.326) = 3.2 ms -> 4.8 ms, a 1.6 ms rise (< 2 ms).
    const v = judgeLatency(latencies(11, 5000, 0.05), latencies(12, 5000, 0.075), opts);
    expect(v.test.p).toBeLessThan(0.01);
    expect(v.shift).toBeGreaterThan(0.4);
    expect(v.shiftMs).toBeLessThan(2);
    expect(v.verdict).toBe('no significant change');
  });

  it('vetoes a shift that one interval carries: the median of the interval p50s did not move', () => {
    const base = latencies(21, 3000);
    const candidate = latencies(22, 3000, 1.3);
    const steady = { p50: [20, 20, 20, 20, 20], p99: [64, 64, 64, 64, 64] };
    // Candidate: one slow interval (p50 80 ms), four as before: median of p50s 20 -> +0 %.
    const oneBurst = { p50: [20, 20, 80, 20, 20], p99: [64, 64, 300, 64, 64] };
    expect(judgeLatency(base, candidate, opts, { base: steady, candidate: oneBurst }).verdict).toBe(
      'no significant change',
    );
    // Every interval 30 % slower: median of p50s 20 -> 26 ms, +30 % > 10 %.
    const everywhere = { p50: [26, 26, 26, 26, 26], p99: [83, 83, 83, 83, 83] };
    expect(judgeLatency(base, candidate, opts, { base: steady, candidate: everywhere }).verdict).toBe(
      'regressed',
    );
  });

  it('says no data when one side is empty', () => {
    expect(judgeLatency(aggregateHistogram(), latencies(1, 10), opts).verdict).toBe('no data');
  });
});
