/**
 * The non-empty buckets of an HDR histogram, in value order. Every histogram of stampede shares
 * one range and precision (`histogram-factory.ts`), so two histograms' buckets line up exactly:
 * equal values mean the same bucket, which is what the rank test treats as a tie.
 */
import type { Histogram } from 'hdr-histogram-js';
import { JsHistogram } from 'hdr-histogram-js';

/** One non-empty bucket: its representative (median-equivalent) value and its count. */
export interface Bucket {
  readonly value: number;
  readonly count: number;
}

/** The non-empty buckets of a JS histogram (decoded or aggregate), ascending by value. */
export function bucketsOf(h: Histogram): Bucket[] {
  if (!(h instanceof JsHistogram)) {
    throw new TypeError(
      'bucketsOf needs a JS histogram (decodeHistogram / aggregateHistogram), not a WASM one',
    );
  }
  const out: Bucket[] = [];
  if (h.totalCount === 0) return out;
  let seen = 0;
  for (let i = 0; i < h.countsArrayLength && seen < h.totalCount; i++) {
    const count = h.getCountAtIndex(i);
    if (count <= 0) continue;
    seen += count;
    out.push({ value: h.medianEquivalentValue(h.valueFromIndex(i)), count });
  }
  return out;
}

/** One bucket of two histograms side by side: counts of the first (a) and second (b). */
export interface PairedBucket {
  readonly value: number;
  readonly a: number;
  readonly b: number;
}

/** Both histograms' buckets merged in value order; a bucket present in one only has 0 in the other. */
export function pairBuckets(a: readonly Bucket[], b: readonly Bucket[]): PairedBucket[] {
  const out: PairedBucket[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.value < y.value)) {
      out.push({ value: x.value, a: x.count, b: 0 });
      i++;
    } else if (y && (!x || y.value < x.value)) {
      out.push({ value: y.value, a: 0, b: y.count });
      j++;
    } else if (x && y) {
      out.push({ value: x.value, a: x.count, b: y.count });
      i++;
      j++;
    }
  }
  return out;
}
