import { describe, expect, it } from 'vitest';
import { Rng, regionStream } from '../../harness/arrivals/rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('repeats its sequence for the same seed and stream', () => {
    expect(draws(new Rng(1234, 5), 100)).toEqual(draws(new Rng(1234, 5), 100));
  });

  it('gives different sequences for different seeds, streams and the high half of the seed', () => {
    const base = draws(new Rng(1234, 5), 20);
    expect(draws(new Rng(1235, 5), 20)).not.toEqual(base);
    expect(draws(new Rng(1234, 6), 20)).not.toEqual(base);
    expect(draws(new Rng(1234 + 2 ** 32, 5), 20)).not.toEqual(base);
    expect(draws(new Rng(1, regionStream(0)), 20)).not.toEqual(draws(new Rng(1, regionStream(1)), 20));
  });

  it('draws floats in [0, 1) with a uniform mean and exponentials with mean 1', () => {
    const rng = new Rng(99);
    const n = 200_000;
    let sum = 0;
    let esum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const f = rng.float();
      min = Math.min(min, f);
      max = Math.max(max, f);
      sum += f;
      esum += rng.exponential();
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard errors: uniform sd 0.2887/sqrt(n), exponential sd 1/sqrt(n); bounds at 5 sd.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan((5 * 0.2887) / Math.sqrt(n));
    expect(Math.abs(esum / n - 1)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('int(n) stays in range, also above 2^32', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const a = rng.int(7);
      expect(Number.isInteger(a) && a >= 0 && a < 7).toBe(true);
      const b = rng.int(1e12);
      expect(Number.isInteger(b) && b >= 0 && b < 1e12).toBe(true);
    }
  });
});

describe('Rng.exponential (ziggurat)', () => {
  it('matches the Exp(1) distribution function (Kolmogorov-Smirnov, tail included)', () => {
    const rng = new Rng(2024, 9);
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, () => rng.exponential()).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const cdf = 1 - Math.exp(-xs[i]!);
      d = Math.max(d, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    }
    // KS critical value at alpha = 0.001 is 1.95 / sqrt(n).
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    // The tail beyond the base layer (x > 7.697, probability e^-7.697 ≈ 4.5e-4) is reached.
    const tail = xs.filter((x) => x > 7.697).length;
    expect(Math.abs(tail - n * Math.exp(-7.697117470131487))).toBeLessThan(5 * Math.sqrt(n * 4.5e-4));
    expect(xs[0]).toBeGreaterThanOrEqual(0);
  });
});
