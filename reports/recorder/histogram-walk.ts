/**
 * Walks over a JS histogram's buckets that hdr-histogram-js itself does over all ~24k of them
 * (1 µs - 1 h at 3 digits): `add` and `getValueAtPercentile` start at bucket 0 whatever the
 * histogram holds. Interval histograms are sparse and a day-long simulation closes ~31,000
 * intervals of ~20 histograms each, so these walk only the buckets between a histogram's smallest
 * and largest value. Results are exactly hdr's own.
 */
import type * as hdr from 'hdr-histogram-js';

/** The bucket-level view of a JS histogram that `addHistogram` walks (public in hdr's JS, not in its types). */
interface Buckets {
  readonly bucketCount: number;
  readonly subBucketCount: number;
  readonly unitMagnitude: number;
  readonly maxValue: number;
  readonly minNonZeroValue: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, value: number): void;
  setTotalCount(value: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
}

function isBuckets(h: hdr.Histogram): boolean {
  return typeof (h as unknown as Partial<Buckets>).addToCountAtIndex === 'function';
}

/**
 * `into.add(from)` for histograms of the common range, exactly, without hdr's walk over every one
 * of the ~24k buckets: an empty `from` costs nothing, a full one only the buckets between its
 * smallest and largest value. Interval histograms are sparse, and a day-long simulation adds
 * ~10^6 of them into the totals. Falls back to `add` for histograms of another shape or WASM ones.
 */
export function addHistogram(into: hdr.Histogram, from: hdr.Histogram): void {
  if (from.totalCount === 0) return;
  if (!isBuckets(into) || !isBuckets(from)) return into.add(from);
  const a = into as unknown as Buckets;
  const b = from as unknown as Buckets;
  if (
    a.bucketCount !== b.bucketCount ||
    a.subBucketCount !== b.subBucketCount ||
    a.unitMagnitude !== b.unitMagnitude
  ) {
    return into.add(from);
  }
  let added = b.getCountAtIndex(0);
  if (added > 0) a.addToCountAtIndex(0, added);
  const lo = Math.max(1, b.countsArrayIndex(b.minNonZeroValue));
  const hi = b.countsArrayIndex(b.maxValue);
  for (let i = lo; i <= hi; i++) {
    const c = b.getCountAtIndex(i);
    if (c > 0) {
      a.addToCountAtIndex(i, c);
      added += c;
    }
  }
  a.setTotalCount(into.totalCount + added);
  a.updatedMaxValue(Math.max(a.maxValue, b.maxValue));
  a.updateMinNonZeroValue(Math.min(a.minNonZeroValue, b.minNonZeroValue));
}

/**
 * `h.getValueAtPercentile(p)` for each of `ps` (ascending, each in (0, 100]) in one walk from its
 * smallest value: the same rounding of the count at a percentile as hdr's.
 */
export function valuesAtPercentiles(h: hdr.Histogram, ps: readonly number[]): number[] {
  if (!isBuckets(h) || h.totalCount === 0) return ps.map((p) => h.getValueAtPercentile(p));
  const b = h as unknown as Buckets;
  const out: number[] = [];
  let want = countAt(ps[0]!, h.totalCount);
  let total = 0;
  const lo = Math.max(1, b.countsArrayIndex(b.minNonZeroValue));
  const hi = b.countsArrayIndex(b.maxValue);
  // hdr walks every bucket from 0; the empty ones between 0 and `lo` change nothing.
  for (let i = 0; i <= hi && out.length < ps.length; i = i === 0 ? lo : i + 1) {
    total += b.getCountAtIndex(i);
    while (out.length < ps.length && total >= want) {
      out.push(b.highestEquivalentValue(b.valueFromIndex(i)));
      const next = ps[out.length];
      if (next !== undefined) want = countAt(next, h.totalCount);
    }
  }
  while (out.length < ps.length) out.push(0);
  return out;
}

/** hdr's count at a percentile: rounded up, guarded against a 1-ulp excess, at least 1. */
function countAt(p: number, totalCount: number): number {
  const fp = (Math.min(p, 100) / 100) * totalCount;
  return Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
}
