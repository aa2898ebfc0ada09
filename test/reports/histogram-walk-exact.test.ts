import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  aggregateHistogram,
  decodeIntervalHistogram,
  encodeHistogram,
  HISTOGRAM_RANGE,
} from '../../reports/recorder/histogram-factory.js';
import { addHistogram, valuesAtPercentiles } from '../../reports/recorder/histogram-walk.js';

/** A seeded spread of µs values: a few near 1 µs, most in ms, a tail to minutes. */
function filled(seed: number, n: number): hdr.Histogram {
  const h = aggregateHistogram();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    h.recordValue(Math.max(1, Math.round(10 ** (u * 8))));
  }
  return h;
}

describe('histogram walks', () => {
  it('add exactly what hdr add does, for 64-bit, 32-bit and packed sources', () => {
    for (const [seed, n] of [
      [1, 1],
      [2, 30],
      [3, 5000],
    ] as const) {
      const src = filled(seed, n);
      const sources = [src, decodeIntervalHistogram(encodeHistogram(src))];
      const packed = hdr.build({ ...HISTOGRAM_RANGE, bitBucketSize: 'packed' });
      packed.add(src);
      sources.push(packed);
      for (const s of sources) {
        const mine = filled(9, 100);
        const theirs = filled(9, 100);
        addHistogram(mine, s);
        theirs.add(s);
        expect(mine.totalCount).toBe(theirs.totalCount);
        expect(mine.maxValue).toBe(theirs.maxValue);
        expect(mine.minNonZeroValue).toBe(theirs.minNonZeroValue);
        expect(encodeHistogram(mine)).toBe(encodeHistogram(theirs));
      }
    }
  });

  it('an empty source adds nothing', () => {
    const h = filled(4, 10);
    const before = encodeHistogram(h);
    addHistogram(h, aggregateHistogram());
    expect(encodeHistogram(h)).toBe(before);
  });

  it('percentiles equal getValueAtPercentile, one value or many', () => {
    const ps = [0.1, 50, 90, 99, 99.9, 100];
    for (const [seed, n] of [
      [5, 1],
      [6, 7],
      [7, 20_000],
    ] as const) {
      const h = filled(seed, n);
      for (const x of [h, decodeIntervalHistogram(encodeHistogram(h))]) {
        expect(valuesAtPercentiles(x, ps)).toEqual(ps.map((p) => x.getValueAtPercentile(p)));
      }
    }
  });
});
